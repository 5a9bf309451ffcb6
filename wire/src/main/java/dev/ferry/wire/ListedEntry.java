package dev.ferry.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One entry of a directory as a mirror describes it in a {@link RepairMessage.RepairEntries}: what
 * Ferry compares of it, by type (the JSON's {@code "type"}: {@code file}, {@code directory},
 * {@code symlink} or {@code special}). Times are in milliseconds since 1970-01-01T00:00Z, the
 * precision Ferry compares at; permission bits are 0 to 0777.
 *
 * <p>An entry is only described, never applied: a symbolic link's target may point anywhere (a
 * mirror may hold what Ferry would never write), and is only compared with the source's.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ListedEntry.File.class, name = "file"),
        @JsonSubTypes.Type(value = ListedEntry.Directory.class, name = "directory"),
        @JsonSubTypes.Type(value = ListedEntry.Symlink.class, name = "symlink"),
        @JsonSubTypes.Type(value = ListedEntry.Special.class, name = "special"),
})
public sealed interface ListedEntry {

    /** The entry's name in its directory: one path segment. */
    String name();

    /** A regular file: its size, permission bits, modification time and content's SHA-256 (64 lowercase hex digits). */
    record File(String name, long size, int mode, long mtimeMillis, String sha256) implements ListedEntry {
        public File {
            requireName(name);
            require(size >= 0, "file " + Printable.quote(name) + " has a negative size: " + size);
            requireMode(name, mode);
            require(sha256 != null && sha256.matches("[0-9a-f]{64}"),
                    "file " + Printable.quote(name) + " has no SHA-256 of 64 lowercase hex digits");
        }
    }

    /**
     * A directory: its permission bits and modification time, and the {@link DirectoryDigest} of
     * its subtree, or null when it has none (it holds something a digest cannot cover). The digest
     * spares listing the directory when it equals the source's.
     */
    record Directory(String name, int mode, long mtimeMillis, DirectoryDigest digest) implements ListedEntry {
        public Directory {
            requireName(name);
            requireMode(name, mode);
        }
    }

    /** A symbolic link and its target, as the mirror reads it (at most 4,096 bytes in UTF-8). */
    record Symlink(String name, String target) implements ListedEntry {
        public Symlink {
            requireName(name);
            int bytes = target == null ? -1 : RelPath.utf8Bytes(target);
            require(bytes > 0 && bytes <= RelPath.MAX_BYTES && target.indexOf('\0') < 0,
                    "symlink " + Printable.quote(name) + " has no valid target");
        }
    }

    /** A fifo, socket or device: Ferry never writes one, so on a mirror it is an entry to replace or delete. */
    record Special(String name) implements ListedEntry {
        public Special {
            requireName(name);
        }
    }

    private static void requireName(String name) {
        require(RelPath.isName(name), "not a name Ferry carries: " + (name == null ? null : Printable.quote(name)));
    }

    private static void requireMode(String name, int mode) {
        require(mode >= 0 && mode <= 0777, Printable.quote(name) + " has permission bits out of range: " + mode);
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new IllegalArgumentException(reason);
        }
    }
}
