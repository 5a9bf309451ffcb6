package dev.ferry.producer;

import java.time.Instant;
import java.util.Objects;

/**
 * What the producer knows about one entry of the source tree: what {@code lstat} said when it
 * last looked, or (in the {@link SourceIndex}) what it last published.
 *
 * <p>Only what the replica can reproduce is kept: a directory has no size, a symlink only its
 * target. The file key (device and inode on Linux) is the entry's identity, which is how a
 * rename is told apart from a delete and a create. A file the index holds may also know the
 * SHA-256 of the content published; what {@code lstat} says never does, so entries are compared
 * with {@link #sameLook} (everything but the hash).
 *
 * @param fileKey the file system's identity of the entry, or {@code null} where there is none
 * @param target  a symlink's target, else {@code null}
 * @param sha256  a file's content hash when known, else {@code null}
 */
record Entry(Type type, long size, long mtimeNanos, int mode, FileKey fileKey, String target, Sha256 sha256) {

    enum Type { FILE, DIRECTORY, SYMLINK }

    /** What the index holds for a path whose publication is in doubt: it equals nothing on disk. */
    static final Entry IN_DOUBT = new Entry(Type.FILE, -1, -1, -1, null, null, null);

    /** Whether this is {@link #IN_DOUBT}, whose type says nothing. */
    boolean isInDoubt() {
        return equals(IN_DOUBT);
    }

    private static final String SEPARATOR = "\0"; // Cannot occur in a file key, a symlink target or a hash.

    Entry {
        Objects.requireNonNull(type, "type");
        if (sha256 != null && type != Type.FILE) {
            throw new IllegalArgumentException("a " + type + " has no content hash");
        }
    }

    static Entry file(long size, long mtimeNanos, int mode, FileKey fileKey) {
        return new Entry(Type.FILE, size, mtimeNanos, mode, fileKey, null, null);
    }

    static Entry directory(long mtimeNanos, int mode, FileKey fileKey) {
        return new Entry(Type.DIRECTORY, 0, mtimeNanos, mode, fileKey, null, null);
    }

    static Entry symlink(String target, FileKey fileKey) {
        return new Entry(Type.SYMLINK, 0, 0, 0, fileKey, target, null);
    }

    /** This file entry knowing its content's hash ({@code null}: not knowing it). */
    Entry withSha256(Sha256 hash) {
        return new Entry(type, size, mtimeNanos, mode, fileKey, target, hash);
    }

    /** Whether both say the same of the entry, its content's hash aside (which only the index may know). */
    boolean sameLook(Entry other) {
        return other != null && type == other.type && size == other.size && mtimeNanos == other.mtimeNanos
                && mode == other.mode && Objects.equals(fileKey, other.fileKey) && Objects.equals(target, other.target);
    }

    boolean isFile() {
        return type == Type.FILE;
    }

    boolean isDirectory() {
        return type == Type.DIRECTORY;
    }

    Instant modified() {
        return Instant.ofEpochSecond(0, mtimeNanos);
    }

    /** Whether both are the same file system object (when the file system can tell). */
    boolean sameIdentity(Entry other) {
        return type == other.type && (fileKey == null || other.fileKey == null || fileKey.equals(other.fileKey));
    }

    /** Whether the replica of one would look like the other: the same type and published metadata. */
    boolean sameContent(Entry other) {
        return type == other.type && switch (type) {
            case FILE -> size == other.size && mtimeNanos == other.mtimeNanos && mode == other.mode;
            case DIRECTORY -> mtimeNanos == other.mtimeNanos && mode == other.mode;
            case SYMLINK -> target.equals(other.target);
        };
    }

    /** Whether a file was left alone between two looks: a write changes its size or modification time. */
    boolean sameVersion(Entry other) {
        return type == other.type && size == other.size && mtimeNanos == other.mtimeNanos
                && Objects.equals(fileKey, other.fileKey);
    }

    /** Seven fields separated by NUL: type, size, mtime, mode, file key, target, hash (the last three may be empty). */
    String encode() {
        return String.join(SEPARATOR, type.name(), Long.toString(size), Long.toString(mtimeNanos),
                Integer.toString(mode), fileKey == null ? "" : fileKey.toString(), target == null ? "" : target,
                sha256 == null ? "" : sha256.hex());
    }

    /**
     * The entry {@link #encode()} wrote, or the six fields an index written before hashes were kept
     * holds: its files' hashes are then unknown.
     *
     * @throws IllegalArgumentException when {@code text} is neither
     */
    static Entry decode(String text) {
        // By hand rather than split(): a restart decodes one entry per file of the tree.
        String[] fields = new String[7];
        int start = 0;
        int count = 1;
        for (int end = text.indexOf(SEPARATOR); end >= 0; end = text.indexOf(SEPARATOR, start)) {
            if (count == fields.length) {
                throw new IllegalArgumentException("expected 6 or 7 fields, found more");
            }
            fields[count - 1] = text.substring(start, end);
            start = end + 1;
            count++;
        }
        if (count < 6) {
            throw new IllegalArgumentException("expected 6 or 7 fields, found " + count);
        }
        fields[count - 1] = text.substring(start);
        Type type = Type.valueOf(fields[0]);
        Sha256 hash = count == 7 && !fields[6].isEmpty() ? Sha256.of(fields[6]) : null;
        return new Entry(type, Long.parseLong(fields[1]), Long.parseLong(fields[2]), Integer.parseInt(fields[3]),
                fields[4].isEmpty() ? null : FileKey.of(fields[4]), type == Type.SYMLINK ? fields[5] : null, hash);
    }
}
