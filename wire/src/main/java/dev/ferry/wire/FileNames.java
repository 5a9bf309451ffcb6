package dev.ferry.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Names of directory entries as the disk has them, which is bytes, against the text Java makes of
 * them. A name that is not valid in the JVM's file name encoding (on Linux with a UTF-8 locale:
 * bytes that are not UTF-8, such as Latin-1 "caf\xe9") is read as text with U+FFFD in place of
 * what it could not decode; that text names another file, or none, and several such names can
 * read alike. Ferry cannot carry such a name, so it is reported, never guessed at.
 */
public final class FileNames {

    /** The encoding this JVM reads and writes file names in ("UTF-8" with a UTF-8 locale), for messages. */
    public static final String ENCODING = System.getProperty("sun.jnu.encoding", "in this JVM's file name encoding");

    private FileNames() {
    }

    /**
     * Whether the text of a symbolic link's {@code target}, as read from the disk, turns back into
     * the same bytes: a target that is not valid in the file name encoding reads as text that
     * points elsewhere.
     */
    public static boolean targetReadsFaithfully(Path target) {
        String text = target.toString();
        if (WireText.isAscii(text)) {
            return true;
        }
        try {
            return target.getFileSystem().getPath(text).equals(target);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** A path read from the disk (a link's target, say), relative or absolute, as {@link #rawPath} shows one. */
    public static String raw(Path path) {
        if (path.isAbsolute()) {
            return show(rawBytes(path), 0);
        }
        // Put under "/" only to take its bytes through a URI, then shown without that slash.
        return show(rawBytes(path.getFileSystem().getPath("/").resolve(path)), 1);
    }

    /**
     * Whether the text of {@code entry}'s last name (an entry of a directory listing, which keeps
     * the bytes read from the disk) turns back into the same bytes. A name read as ASCII was ASCII
     * on disk (no file name encoding Java uses on Unix decodes other bytes to ASCII), so only other
     * names are encoded again.
     */
    public static boolean readsFaithfully(Path entry) {
        String name = entry.getFileName().toString();
        if (WireText.isAscii(name)) {
            return true;
        }
        try {
            return entry.resolveSibling(name).equals(entry);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * The path of {@code entry} below {@code root} as the disk has it, for a message: valid UTF-8
     * as text, every other byte as {@code \xNN}, a backslash and a double quote escaped with a
     * backslash, a line break or tab as {@code \n}, {@code \r}, {@code \t}, and other control,
     * format and separator characters as <code>&#92;u{XXXX}</code> (so that a
     * name can neither break a line nor read like another: {@code \xNN} is only ever a byte).
     */
    public static String rawPath(Path root, Path entry) {
        byte[] rootBytes = rawBytes(root);
        byte[] bytes = rawBytes(entry);
        int from = rootBytes.length + (rootBytes.length > 0 && rootBytes[rootBytes.length - 1] == '/' ? 0 : 1);
        return show(bytes, Math.min(from, bytes.length));
    }

    /**
     * The bytes of {@code path}, absolute, without a trailing slash. The JDK keeps a listed path's
     * bytes and writes them into its URI, every byte outside a few ASCII ones percent-encoded; it
     * has no other public way to give them.
     */
    private static byte[] rawBytes(Path path) {
        String uri = path.toAbsolutePath().toUri().getRawPath();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(uri.length());
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '%' && i + 2 < uri.length()) {
                bytes.write(Integer.parseInt(uri, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        byte[] raw = bytes.toByteArray();
        int length = raw.length;
        while (length > 1 && raw[length - 1] == '/') {
            length--; // A directory's URI ends in a slash.
        }
        return Arrays.copyOf(raw, length);
    }

    private static String show(byte[] bytes, int from) {
        StringBuilder shown = new StringBuilder();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int i = from;
        while (i < bytes.length) {
            int length = sequenceLength(bytes[i]);
            String decoded = length == 0 || i + length > bytes.length ? null : decode(utf8, bytes, i, length);
            if (decoded == null) {
                shown.append(String.format("\\x%02x", bytes[i] & 0xff));
                i++;
            } else {
                decoded.codePoints().forEach(c -> shown.append(shownCharacter(c)));
                i += length;
            }
        }
        return shown.toString();
    }

    private static String shownCharacter(int c) {
        return switch (c) {
            case '\\', '"' -> "\\" + (char) c;
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> isInvisible(c) ? String.format("\\u{%04x}", c) : new String(Character.toChars(c));
        };
    }

    private static boolean isInvisible(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** How many bytes the UTF-8 sequence that {@code lead} starts has; 0 when no sequence starts so. */
    private static int sequenceLength(byte lead) {
        int b = lead & 0xff;
        if (b < 0x80) {
            return 1;
        }
        if (b >= 0xc2 && b <= 0xdf) {
            return 2;
        }
        if (b >= 0xe0 && b <= 0xef) {
            return 3;
        }
        if (b >= 0xf0 && b <= 0xf4) {
            return 4;
        }
        return 0;
    }

    private static String decode(CharsetDecoder utf8, byte[] bytes, int offset, int length) {
        try {
            return utf8.reset().decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
