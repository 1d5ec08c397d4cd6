package dev.begone.rules;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * RFC 2047 encoded-words ({@code =?charset?B|Q?text?=}) in a header value, decoded so that rules see the text a
 * mail reader shows. Lenient as readers are: a word need not stand apart from its neighbours, white space between two
 * encoded-words is dropped, and the bytes of adjacent words in one charset are decoded together (senders often split
 * a UTF-8 character across two words). A word that cannot be decoded (unknown charset, bad encoding letter) is left
 * as written. Never throws.
 */
final class EncodedWords {
    private EncodedWords() {}

    static String decode(String value) {
        int i = value.indexOf("=?");
        if (i < 0) return value;
        StringBuilder out = new StringBuilder(value.length());
        out.append(value, 0, i);
        Word pending = null; // adjacent words in one charset, decoded together once the run ends
        while (i < value.length()) {
            Word w = Word.at(value, i);
            if (w != null) {
                if (pending != null && !pending.charset.equals(w.charset)) {
                    out.append(pending.text());
                    pending = null;
                }
                if (pending == null) pending = w;
                else pending.bytes.addAll(w.bytes);
                i = w.end;
                continue;
            }
            if (pending != null) {
                int gapEnd = i;
                while (gapEnd < value.length() && (value.charAt(gapEnd) == ' ' || value.charAt(gapEnd) == '\t')) gapEnd++;
                if (gapEnd > i && Word.at(value, gapEnd) != null) { // only white space between two encoded-words
                    i = gapEnd;
                    continue;
                }
                out.append(pending.text());
                pending = null;
            }
            out.append(value.charAt(i++));
        }
        if (pending != null) out.append(pending.text());
        return out.toString();
    }

    /** One decoded encoded-word: its charset, its bytes, and where it ends in the value. */
    private record Word(Charset charset, Bytes bytes, int end) {
        String text() {
            return bytes.decode(charset);
        }

        /** The decodable encoded-word starting at {@code from}, or null. */
        static Word at(String v, int from) {
            if (!v.startsWith("=?", from)) return null;
            int q1 = v.indexOf('?', from + 2);
            if (q1 < 0 || q1 + 2 >= v.length() || v.charAt(q1 + 2) != '?') return null;
            int close = v.indexOf("?=", q1 + 3);
            if (close < 0) return null;
            for (int k = from + 2; k < close; k++) {
                char c = v.charAt(k);
                if (c <= ' ' || c >= 127) return null; // an encoded-word holds no white space and no 8-bit text
            }
            Charset charset = charset(v.substring(from + 2, q1));
            if (charset == null) return null;
            byte[] text = v.substring(q1 + 3, close).getBytes(StandardCharsets.US_ASCII);
            Bytes out = new Bytes(text.length);
            switch (v.charAt(q1 + 1)) {
                case 'B', 'b' -> out.addBase64(text, 0, text.length);
                case 'Q', 'q' -> out.addQuotedPrintable(text, 0, text.length, true);
                default -> {
                    return null;
                }
            }
            return new Word(charset, out, close + 2);
        }

        private static Charset charset(String name) {
            int star = name.indexOf('*'); // RFC 2231 language suffix: UTF-8*en
            try {
                return Charset.forName(star >= 0 ? name.substring(0, star) : name);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                return null; // left as written, which is what a reader without that charset shows too
            }
        }
    }
}
