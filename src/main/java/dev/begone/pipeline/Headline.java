package dev.begone.pipeline;

/**
 * What a log line names a message by: its From, Message-ID and Subject as written (encoded words left encoded),
 * each cut to {@value #MAX_CHARS} characters with control characters replaced, so that no header can break or
 * flood a log; a missing header is empty.
 */
public record Headline(String from, String messageId, String subject) {
    static final int MAX_CHARS = 200;

    static Headline of(byte[] raw) {
        return new Headline(printable(MessageIds.header(raw, "From")), printable(MessageIds.messageId(raw)),
                printable(MessageIds.header(raw, "Subject")));
    }

    private static String printable(String value) {
        if (value == null) return "";
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS + 3));
        for (int i = 0; i < value.length() && out.length() < MAX_CHARS; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (value.length() > MAX_CHARS) out.append("...");
        return out.toString();
    }

    @Override
    public String toString() {
        return "From " + (from.isEmpty() ? "(none)" : from) + ", Message-ID " + (messageId.isEmpty() ? "(none)" : messageId)
                + ", Subject " + (subject.isEmpty() ? "(none)" : "\"" + subject + "\"");
    }
}
