package dev.ferry.wire;

/**
 * Text from a message or the file system made safe to print on one line: paths and reasons can
 * hold any character, and a newline could forge a log line, an escape sequence drive the terminal,
 * a bidirectional override make a name read as another.
 */
public final class Printable {

    private Printable() {
    }

    /**
     * {@code text} with its control, format and separator characters escaped: a newline as
     * backslash-n, ESC as backslash-x1b, a right-to-left override as backslash-u{202e}.
     */
    public static String escape(String text) {
        return escape(text, false);
    }

    /**
     * {@code text} in double quotes, escaped as by {@link #escape}, with {@code "} and {@code \}
     * escaped too: where the quoted name ends is never in doubt, whatever the name holds.
     */
    public static String quote(String text) {
        return '"' + escape(text, true) + '"';
    }

    private static String escape(String text, boolean quoted) {
        StringBuilder safe = new StringBuilder(text.length() + 2);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> safe.append("\\n");
                case '\r' -> safe.append("\\r");
                case '\t' -> safe.append("\\t");
                case '"', '\\' -> safe.append(quoted ? "\\" : "").appendCodePoint(c);
                default -> {
                    if (Character.isISOControl(c)) {
                        safe.append(String.format("\\x%02x", c));
                    } else if (invisible(c)) {
                        safe.append(String.format("\\u{%04x}", c));
                    } else {
                        safe.appendCodePoint(c);
                    }
                }
            }
        });
        return safe.toString();
    }

    private static boolean invisible(int c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }
}
