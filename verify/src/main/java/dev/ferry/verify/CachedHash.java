package dev.ferry.verify;

import java.util.HexFormat;

/**
 * One hash a {@link HashCache} remembers: the {@link FileStamp} its file had when it was read and
 * its SHA-256, flat in nine longs: a cache holds up to a million of them, and a record of a stamp
 * and a hex string takes twice the memory.
 */
final class CachedHash {

    private static final String FORMAT = "1";
    private static final HexFormat HEX = HexFormat.of();

    private final long size;
    private final long mtimeNanos;
    private final long ctimeNanos;
    private final long device;
    private final long inode;
    private final long sha0;
    private final long sha1;
    private final long sha2;
    private final long sha3;
    /** Whether the hash was asked for since the cache last forgot the unused ones. */
    private boolean used;

    CachedHash(FileStamp stamp, String sha256) {
        this.size = stamp.size();
        this.mtimeNanos = stamp.mtimeNanos();
        this.ctimeNanos = stamp.ctimeNanos();
        this.device = stamp.device();
        this.inode = stamp.inode();
        this.sha0 = HexFormat.fromHexDigitsToLong(sha256, 0, 16);
        this.sha1 = HexFormat.fromHexDigitsToLong(sha256, 16, 32);
        this.sha2 = HexFormat.fromHexDigitsToLong(sha256, 32, 48);
        this.sha3 = HexFormat.fromHexDigitsToLong(sha256, 48, 64);
    }

    /** Whether the file is provably the one hashed: its stamp is the one it had then. */
    boolean provenBy(FileStamp stamp) {
        return stamp.size() == size && stamp.mtimeNanos() == mtimeNanos && stamp.ctimeNanos() == ctimeNanos
                && stamp.device() == device && stamp.inode() == inode;
    }

    String sha256() {
        return HEX.toHexDigits(sha0) + HEX.toHexDigits(sha1) + HEX.toHexDigits(sha2) + HEX.toHexDigits(sha3);
    }

    boolean used() {
        return used;
    }

    void used(boolean used) {
        this.used = used;
    }

    /** The journal's text: the format, the stamp's five numbers and the hash, separated by spaces. */
    String encode() {
        return String.join(" ", FORMAT, Long.toString(size), Long.toString(mtimeNanos), Long.toString(ctimeNanos),
                Long.toString(device), Long.toString(inode), sha256());
    }

    /** The hash a journal's text records, or null when it is not text this format wrote. */
    static CachedHash decode(String text) {
        String[] fields = text.split(" ");
        if (fields.length != 7 || !fields[0].equals(FORMAT) || fields[6].length() != 64) {
            return null;
        }
        try {
            return new CachedHash(new FileStamp(Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                    Long.parseLong(fields[3]), Long.parseLong(fields[4]), Long.parseLong(fields[5])), fields[6]);
        } catch (IllegalArgumentException e) { // A number or a hex digit that is not one.
            return null;
        }
    }
}
