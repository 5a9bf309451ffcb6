package dev.ferry.wire;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one way a string the user owns (a path, a symlink target, a reason naming a path) crosses
 * the broker: as ASCII, with every other character escaped, so that no string coder on the way can
 * change it.
 *
 * <p>Why: ActiveMQ's OpenWire marshaller writes a string <em>property</em> as modified UTF-8, each
 * UTF-16 surrogate as a 3-byte sequence of its own, and its reader turns each of those into
 * U+FFFD. Every character outside the Basic Multilingual Plane (emoji, CJK Extension B, ...) was
 * lost that way between two processes, while the in-JVM broker, which passes messages without
 * marshalling them, hid it (AMQ-8398 is the same defect between JMS and STOMP). Message bodies,
 * destination names and {@code JMSType} survive; escaping everything that is not ASCII makes the
 * envelope independent of which coder, broker version or protocol bridge it meets.
 */
public final class WireText {

    private WireText() {
    }

    /**
     * A JSON mapper builder that writes ASCII only: characters outside it become {@code \\uXXXX}
     * escapes (a supplementary character as its surrogate pair), which every JSON reader decodes
     * back to the same text.
     */
    public static JsonMapper.Builder asciiJson() {
        return JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII);
    }

    /** Whether every character of {@code text} is ASCII, so it travels unchanged. */
    public static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * Free text (not JSON) made ASCII: a backslash becomes two, and every character outside
     * printable ASCII becomes {@code \\uXXXX}, as in a JSON string. {@link #unescape} reverses it.
     */
    public static String escape(String text) {
        StringBuilder ascii = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                ascii.append("\\\\");
            } else if (c < 0x20 || c >= 0x7f) {
                ascii.append(String.format("\\u%04X", (int) c));
            } else {
                ascii.append(c);
            }
        }
        return ascii.toString();
    }

    /**
     * The text {@link #escape} made {@code ascii} from. Text that was never escaped (written by an
     * older Ferry) comes back as it is, unless it holds a backslash followed by {@code u} and four
     * hexadecimal digits or by another backslash.
     */
    public static String unescape(String ascii) {
        if (ascii.indexOf('\\') < 0) {
            return ascii;
        }
        StringBuilder text = new StringBuilder(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            if (c == '\\' && i + 1 < ascii.length() && ascii.charAt(i + 1) == '\\') {
                text.append('\\');
                i++;
            } else if (c == '\\' && i + 5 < ascii.length() && ascii.charAt(i + 1) == 'u'
                    && isHex(ascii, i + 2, i + 6)) {
                text.append((char) Integer.parseInt(ascii, i + 2, i + 6, 16));
                i += 5;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static boolean isHex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
