package dev.ferry.verify;

import java.time.Instant;

/**
 * What Ferry replicates of one entry of a tree: its type; for a file its size, content and
 * permission bits and modification time; for a directory its permission bits and modification
 * time; for a symbolic link its target. Fields that do not apply to the type are 0 or null, so
 * that equal entries are equal records.
 *
 * <p>Times are compared in milliseconds: Ferry promises the modification time to the millisecond
 * or better, and some file systems keep no finer time.
 *
 * @param sha256 the content's SHA-256 in hex, or null when not (yet) read
 */
public record TreeEntry(Type type, long size, String sha256, int mode, long mtimeMillis, String target) {

    /** The kinds of entry; {@link #SPECIAL} is a fifo, socket or device, which Ferry does not replicate. */
    public enum Type {
        FILE("file"), DIRECTORY("directory"), SYMLINK("symlink"), SPECIAL("special file");

        private final String word;

        Type(String word) {
            this.word = word;
        }

        /** The type in a word, as messages and JSON name it. */
        public String word() {
            return word;
        }
    }

    static TreeEntry file(long size, int mode, long mtimeMillis) {
        return new TreeEntry(Type.FILE, size, null, mode, mtimeMillis, null);
    }

    static TreeEntry directory(int mode, long mtimeMillis) {
        return new TreeEntry(Type.DIRECTORY, 0, null, mode, mtimeMillis, null);
    }

    static TreeEntry symlink(String target) {
        return new TreeEntry(Type.SYMLINK, 0, null, 0, 0, target);
    }

    static TreeEntry special() {
        return new TreeEntry(Type.SPECIAL, 0, null, 0, 0, null);
    }

    /** This file entry with its content's hash. */
    TreeEntry withSha256(String hash) {
        return new TreeEntry(type, size, hash, mode, mtimeMillis, target);
    }

    /** The entry in a few words: "file of 12 bytes", "directory", "symlink to 'a'". */
    public String describe() {
        return switch (type) {
            case FILE -> "file of " + size + " bytes";
            case SYMLINK -> "symlink to '" + target + "'";
            default -> type.word();
        };
    }

    /** Permission bits as ls and chmod write them: 0644. */
    static String octal(int mode) {
        return String.format("%04o", mode);
    }

    static String time(long mtimeMillis) {
        return Instant.ofEpochMilli(mtimeMillis).toString();
    }
}
