package dev.lockstep;

/**
 * Text quoted from outside (a file's bytes, a directory's name, a value from a conf file, an argument) made safe for
 * what may be a terminal: every control character is escaped, so no escape sequence can recolour, retitle or rewrite
 * the terminal, no NUL can cut the line, and no line break can make a second line that looks like the tool's own.
 */
public final class Printable {
    private Printable() {}

    /** A {@code [lockstep] warning:} line, escaped. */
    public static String warning(String message) {
        return "[lockstep] warning: " + escape(message);
    }

    /**
     * {@code \n}, {@code \r} and {@code \t} by name; the other C0 controls, DEL and the C1 controls as {@code \xHH};
     * line and paragraph separators and the invisible format characters (bidirectional overrides among them) as
     * {@code \}{@code uHHHH}. Everything else, including any other non-ASCII text, is kept; a string with nothing to
     * escape is returned as it is.
     */
    public static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String e = escaped(c);
            if (e == null) {
                if (b != null) b.append(c);
                continue;
            }
            if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            b.append(e);
        }
        return b == null ? s : b.toString();
    }

    private static String escaped(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
        }
        if (Character.isISOControl(c)) return String.format("\\x%02x", (int) c);
        int type = Character.getType(c);
        if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
