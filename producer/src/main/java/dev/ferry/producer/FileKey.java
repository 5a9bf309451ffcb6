package dev.ferry.producer;

import java.util.Objects;

/**
 * The file system's identity of an entry, as the JDK gives it ({@code BasicFileAttributes.fileKey()}),
 * kept compact: on Linux and the other Unix systems it reads {@code (dev=HEX,ino=DECIMAL)}, held
 * here as two numbers. The index holds one per entry, and at a million entries the text of each
 * was some 64 bytes of heap where this is 32. A key in any other form is kept as its text.
 *
 * <p>{@link #toString()} gives back exactly the text it was made from, which is what the index's
 * journal stores: an index written before this class reads the same.
 *
 * @param device the device number of a key of the Unix form, else 0
 * @param inode  the inode number of a key of the Unix form, else 0
 * @param text   the key's text when it is not of the Unix form, else {@code null}
 */
record FileKey(long device, long inode, String text) {

    private static final String DEVICE = "(dev=";
    private static final String INODE = ",ino=";

    /** The key written as {@code text}; {@code null} for {@code null}. */
    static FileKey of(String text) {
        if (text == null) {
            return null;
        }
        int comma = text.indexOf(INODE);
        if (text.startsWith(DEVICE) && comma > DEVICE.length() && text.endsWith(")")) {
            try {
                // Read in place: the producer makes a key for every entry it looks at.
                FileKey unix = new FileKey(Long.parseUnsignedLong(text, DEVICE.length(), comma, 16),
                        Long.parseLong(text, comma + INODE.length(), text.length() - 1, 10), null);
                if (unix.toString().equals(text)) { // Only what reads back the same, such as no leading zeros.
                    return unix;
                }
            } catch (NumberFormatException notUnix) {
                // Kept as text below.
            }
        }
        return new FileKey(0, 0, text);
    }

    /** The key of the JDK's file attributes; {@code null} where the file system has none. */
    static FileKey of(Object jdkKey) {
        return jdkKey == null ? null : of(jdkKey.toString());
    }

    FileKey {
        if (text != null && (device != 0 || inode != 0)) {
            throw new IllegalArgumentException("a file key is either numbers or text");
        }
    }

    @Override
    public String toString() {
        return text != null ? text : DEVICE + Long.toHexString(device) + INODE + inode + ")";
    }
}
