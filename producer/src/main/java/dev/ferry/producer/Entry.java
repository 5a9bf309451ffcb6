package dev.ferry.producer;

import java.time.Instant;
import java.util.Objects;

/**
 * What the producer knows about one entry of the source tree: what {@code lstat} said when it
 * last looked, or (in the {@link SourceIndex}) what it last published.
 *
 * <p>Only what the replica can reproduce is kept: a directory has no size, a symlink only its
 * target. The file key (device and inode on Linux) is the entry's identity, which is how a
 * rename is told apart from a delete and a create.
 *
 * @param fileKey the file system's identity of the entry, or {@code null} where there is none
 * @param target  a symlink's target, else {@code null}
 */
record Entry(Type type, long size, long mtimeNanos, int mode, String fileKey, String target) {

    enum Type { FILE, DIRECTORY, SYMLINK }

    /** What the index holds for a path whose publication is in doubt: it equals nothing on disk. */
    static final Entry IN_DOUBT = new Entry(Type.FILE, -1, -1, -1, null, null);

    /** Whether this is {@link #IN_DOUBT}, whose type says nothing. */
    boolean isInDoubt() {
        return equals(IN_DOUBT);
    }

    private static final String SEPARATOR = "\0"; // Cannot occur in a file key or a symlink target.

    Entry {
        Objects.requireNonNull(type, "type");
    }

    static Entry file(long size, long mtimeNanos, int mode, String fileKey) {
        return new Entry(Type.FILE, size, mtimeNanos, mode, fileKey, null);
    }

    static Entry directory(long mtimeNanos, int mode, String fileKey) {
        return new Entry(Type.DIRECTORY, 0, mtimeNanos, mode, fileKey, null);
    }

    static Entry symlink(String target, String fileKey) {
        return new Entry(Type.SYMLINK, 0, 0, 0, fileKey, target);
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

    String encode() {
        return String.join(SEPARATOR, type.name(), Long.toString(size), Long.toString(mtimeNanos),
                Integer.toString(mode), fileKey == null ? "" : fileKey, target == null ? "" : target);
    }

    /** @throws IllegalArgumentException when {@code text} is not something {@link #encode()} wrote */
    static Entry decode(String text) {
        // By hand rather than split(): a restart decodes one entry per file of the tree.
        String[] fields = new String[6];
        int start = 0;
        for (int i = 0; i < fields.length - 1; i++) {
            int end = text.indexOf(SEPARATOR, start);
            if (end < 0) {
                throw new IllegalArgumentException("expected 6 fields, found " + (i + 1));
            }
            fields[i] = text.substring(start, end);
            start = end + 1;
        }
        if (text.indexOf(SEPARATOR, start) >= 0) {
            throw new IllegalArgumentException("expected 6 fields, found more");
        }
        fields[fields.length - 1] = text.substring(start);
        Type type = Type.valueOf(fields[0]);
        return new Entry(type, Long.parseLong(fields[1]), Long.parseLong(fields[2]), Integer.parseInt(fields[3]),
                fields[4].isEmpty() ? null : fields[4], type == Type.SYMLINK ? fields[5] : null);
    }
}
