package dev.ferry.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a directory's whole subtree holds, in one SHA-256: two sides that compute equal digests for
 * a directory hold the same subtree, and need not list it to know. A directory's digest covers
 * its subdirectories' digests (a Merkle tree), so an unchanged subtree costs one comparison, and a
 * change shows in the digest of every directory above it.
 *
 * <h2>Definition, version 1</h2>
 *
 * <p>The digest of a directory is the SHA-256 of these bytes, integers big-endian:
 * <ol>
 *   <li>the 9 ASCII bytes {@code ferry-dir}, then the version, one byte {@code 0x01};</li>
 *   <li>the number of entries directly in the directory, 4 bytes unsigned;</li>
 *   <li>one record per entry, in the order of their names' UTF-8 bytes compared as unsigned bytes
 *       (a name that is a prefix of another comes first). A record is:
 *     <ul>
 *       <li>the name: its length in UTF-8 bytes, 4 bytes unsigned, then those bytes. A name is one
 *           path segment as Ferry carries it (see {@link RelPath}), taken exactly as it is, never
 *           normalized: "é" (U+00E9) and "e" followed by U+0301 are two different names;</li>
 *       <li>the type, one ASCII byte: {@code f} for a file, {@code d} for a directory, {@code l}
 *           for a symbolic link;</li>
 *       <li>for a file: its size in bytes, 8 bytes; its permission bits (0 to 0777), 2 bytes; its
 *           modification time in milliseconds since 1970-01-01T00:00Z, 8 bytes two's complement;
 *           the 32 bytes of the SHA-256 of its content;</li>
 *       <li>for a directory: its permission bits, 2 bytes; its modification time in milliseconds,
 *           8 bytes; the 32 bytes of its own digest;</li>
 *       <li>for a symbolic link: its target's length in UTF-8 bytes, 4 bytes unsigned, then those
 *           bytes. A link's own permission bits and time are not covered: Ferry does not carry them.</li>
 *     </ul>
 *   </li>
 * </ol>
 *
 * <p>An empty directory has a digest too: that of the 14 bytes {@code ferry-dir 0x01 0x00000000}.
 * The root's own permission bits and time are no part of any record, as Ferry does not carry them.
 *
 * <p>A digest is defined only for a subtree of which Ferry replicates every entry: a directory that
 * holds, at any depth, a fifo, socket or device, a symbolic link leaving the tree, or a name Ferry
 * cannot carry has no digest, and must be compared by listing it. Which entries a tree holds at
 * all (its ignore rules, the consumer's reserved {@code .ferry} at the root, which is never an
 * entry) is decided before the digest is computed, the same way on both sides.
 *
 * @param sha256  the digest in lowercase hex, 64 digits
 * @param entries how many entries the subtree holds at every depth, the directory itself not
 *                counted; not part of the hash (equal hashes imply equal counts), it says how much
 *                a comparison learned without listing the subtree
 */
public record DirectoryDigest(String sha256, long entries) {

    /** The version of the definition above, the byte after {@code ferry-dir}. */
    public static final int VERSION = 1;

    private static final byte[] HEADER = "ferry-dir".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    public DirectoryDigest {
        if (sha256 == null || !isSha256(sha256)) {
            throw new IllegalArgumentException("directory digest is not 64 lowercase hex digits: " + sha256);
        }
        if (entries < 0) {
            throw new IllegalArgumentException("directory digest counts " + entries + " entries");
        }
    }

    /** A builder for the digest of one directory, its entries added in any order. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Gathers the records of one directory's entries and hashes them in their canonical order.
     * Every method rejects, with the reason, what the definition cannot encode.
     */
    public static final class Builder {

        private final Map<byte[], byte[]> records = new TreeMap<>(Arrays::compareUnsigned);
        private long entries;

        private Builder() {
        }

        /** Adds a file; {@code sha256} is its content's SHA-256 in hex. */
        public Builder file(String name, long size, int mode, long mtimeMillis, String sha256) {
            byte[] key = nameBytes(name);
            if (size < 0) {
                throw new IllegalArgumentException("file " + Printable.quote(name) + " has a negative size: " + size);
            }
            ByteBuffer record = ByteBuffer.allocate(1 + 8 + 2 + 8 + 32);
            record.put((byte) 'f').putLong(size).putShort(mode(name, mode)).putLong(mtimeMillis).put(hash(name, sha256));
            return add(key, name, record.array(), 1);
        }

        /** Adds a subdirectory, whose own digest covers what it holds. */
        public Builder directory(String name, int mode, long mtimeMillis, DirectoryDigest subtree) {
            byte[] key = nameBytes(name);
            if (subtree == null) {
                throw new IllegalArgumentException("directory " + Printable.quote(name) + " has no digest");
            }
            ByteBuffer record = ByteBuffer.allocate(1 + 2 + 8 + 32);
            record.put((byte) 'd').putShort(mode(name, mode)).putLong(mtimeMillis).put(HEX.parseHex(subtree.sha256()));
            return add(key, name, record.array(), 1 + subtree.entries());
        }

        /** Adds a symbolic link. */
        public Builder symlink(String name, String target) {
            byte[] key = nameBytes(name);
            if (target == null || target.isEmpty() || !RelPath.isValidUnicode(target)) {
                throw new IllegalArgumentException("symlink " + Printable.quote(name) + " has no valid target");
            }
            byte[] text = target.getBytes(StandardCharsets.UTF_8);
            ByteBuffer record = ByteBuffer.allocate(1 + 4 + text.length);
            record.put((byte) 'l').putInt(text.length).put(text);
            return add(key, name, record.array(), 1);
        }

        /** The digest of the directory holding exactly the entries added. */
        public DirectoryDigest digest() {
            MessageDigest sha = newSha256();
            sha.update(HEADER);
            sha.update((byte) VERSION);
            sha.update(ByteBuffer.allocate(4).putInt(records.size()).array());
            ByteBuffer length = ByteBuffer.allocate(4);
            for (Map.Entry<byte[], byte[]> record : records.entrySet()) {
                sha.update(length.clear().putInt(record.getKey().length).array());
                sha.update(record.getKey());
                sha.update(record.getValue());
            }
            return new DirectoryDigest(HEX.formatHex(sha.digest()), entries);
        }

        private Builder add(byte[] key, String name, byte[] record, long count) {
            if (records.putIfAbsent(key, record) != null) {
                throw new IllegalArgumentException("two entries named " + Printable.quote(name));
            }
            entries += count;
            return this;
        }

        private static byte[] nameBytes(String name) {
            if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                    || name.indexOf('\0') >= 0 || !RelPath.isValidUnicode(name)) {
                throw new IllegalArgumentException("not a name Ferry carries: "
                        + (name == null ? null : Printable.quote(name)));
            }
            return name.getBytes(StandardCharsets.UTF_8);
        }

        private static short mode(String name, int mode) {
            if (mode < 0 || mode > 0777) {
                throw new IllegalArgumentException(Printable.quote(name) + " has permission bits out of range: "
                        + Integer.toOctalString(mode));
            }
            return (short) mode;
        }

        private static byte[] hash(String name, String sha256) {
            if (sha256 == null || !isSha256(sha256)) {
                throw new IllegalArgumentException("file " + Printable.quote(name)
                        + " has no SHA-256 of 64 lowercase hex digits");
            }
            return HEX.parseHex(sha256);
        }
    }

    private static boolean isSha256(String hex) {
        if (hex.length() != 64) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Compact, for logs: the first 12 hex digits and the count. */
    @Override
    public String toString() {
        return sha256.substring(0, 12) + "… (" + entries + " entries)";
    }
}
