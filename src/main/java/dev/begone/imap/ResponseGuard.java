package dev.begone.imap;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Watches the bytes an IMAP server sends, below the IMAP library, and ends the connection on an answer that would
 * exhaust memory: a literal announced larger than the limit (Angus Mail allocates the whole literal up front, so a
 * server announcing {@code {2147483648}} would fail the JVM) or a response line that never ends (Angus buffers it
 * whole). Literal contents are not lines and are let through uncounted.
 */
final class ResponseGuard extends FilterInputStream {
    /** Enough of a line's end to hold {@code {NNNNNNNNNNNNNNNNNNNN+}\r}. */
    private static final int TAIL = 32;

    private final long maxLiteral;
    private final long maxLine;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private long lineLength;
    private long literalLeft;

    ResponseGuard(InputStream in, long maxLiteral, long maxLine) {
        super(in);
        this.maxLiteral = maxLiteral;
        this.maxLine = maxLine;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) watch((byte) b);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        for (int i = offset; i < offset + n; i++) {
            if (literalLeft > 0) {
                // Skip the rest of a literal in one step.
                long skip = Math.min(literalLeft, offset + n - i);
                literalLeft -= skip;
                i += (int) skip - 1;
                continue;
            }
            watch(buffer[i]);
        }
        return n;
    }

    /** Skipped bytes are read and watched like any others (TLS skips what is left when it closes). */
    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        int r = scratch.length == 0 ? 0 : read(scratch, 0, scratch.length);
        return Math.max(r, 0);
    }

    private void watch(byte b) throws IOException {
        if (literalLeft > 0) {
            literalLeft--;
            return;
        }
        if (b == '\n') {
            literalLeft = announcedLiteral();
            lineLength = 0;
            tailLength = 0;
            return;
        }
        if (++lineLength > maxLine) {
            throw new IOException("the server sent a response line longer than " + maxLine + " bytes; giving up on it");
        }
        if (tailLength == TAIL) {
            System.arraycopy(tail, 1, tail, 0, TAIL - 1);
            tailLength--;
        }
        tail[tailLength++] = b;
    }

    /** The size of the literal announced at the end of the line just ended ({@code {n}} or {@code {n+}}), or 0. */
    private long announcedLiteral() throws IOException {
        int end = tailLength;
        if (end > 0 && tail[end - 1] == '\r') end--;
        if (end < 3 || tail[end - 1] != '}') return 0;
        int i = end - 2;
        if (tail[i] == '+') i--;
        long size = 0;
        long scale = 1;
        int digits = 0;
        for (; i >= 0 && tail[i] >= '0' && tail[i] <= '9'; i--, digits++) {
            if (digits == 18) throw literalTooLarge("more than 18 digits of");
            size += (tail[i] - '0') * scale;
            scale *= 10;
        }
        if (digits == 0 || i < 0 || tail[i] != '{') return 0;
        if (size > maxLiteral) throw literalTooLarge(Long.toString(size));
        return size;
    }

    private IOException literalTooLarge(String size) {
        return new IOException("the server announced a literal of " + size + " bytes, over the limit of " + maxLiteral
                + " bytes; giving up on it");
    }
}
