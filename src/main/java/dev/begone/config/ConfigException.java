package dev.begone.config;

/**
 * A configuration the file cannot mean: its message is the one line a user sees,
 * {@code file:line:column: key: what was expected}, the shape compilers use so that editors can jump to it.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final int column;
    private final String key;

    /**
     * @param line   1-based, or 0 when the problem concerns the whole file
     * @param column 1-based, or 0 when unknown
     */
    ConfigException(String file, int line, int column, String key, String expected) {
        super(format(file, line, column, key, expected));
        this.file = file;
        this.line = line;
        this.column = column;
        this.key = key;
    }

    private static String format(String file, int line, int column, String key, String expected) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) sb.append(':').append(line);
        if (line > 0 && column > 0) sb.append(':').append(column);
        sb.append(": ");
        if (key != null && !key.isEmpty()) sb.append(key).append(": ");
        return sb.append(expected).toString();
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The key path, e.g. {@code accounts[0].imap.port}. */
    public String key() {
        return key;
    }
}
