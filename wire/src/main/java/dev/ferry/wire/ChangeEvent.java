package dev.ferry.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One change to the replicated tree, as the producer saw it: an immutable envelope.
 *
 * <p>Every event carries a {@link #seq() sequence number}: strictly increasing across all events
 * of a producer, and greater than any number a producer used before, even after its state is
 * lost (it starts from the wall clock in microseconds). The consumer applies an event to a path
 * only if its number is greater than the last one applied there, which makes redelivered,
 * duplicated and stale events harmless.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ChangeEvent.FileChunk.class, name = "chunk"),
        @JsonSubTypes.Type(value = ChangeEvent.PutFile.class, name = "file"),
        @JsonSubTypes.Type(value = ChangeEvent.PutDirectory.class, name = "dir"),
        @JsonSubTypes.Type(value = ChangeEvent.PutSymlink.class, name = "symlink"),
        @JsonSubTypes.Type(value = ChangeEvent.Delete.class, name = "delete"),
        @JsonSubTypes.Type(value = ChangeEvent.Rename.class, name = "rename"),
        @JsonSubTypes.Type(value = ChangeEvent.Abort.class, name = "abort"),
        @JsonSubTypes.Type(value = ChangeEvent.PutAttributes.class, name = "attributes"),
})
public sealed interface ChangeEvent {

    /** The path this event changes (for a rename, the new path). */
    RelPath path();

    /** The producer's sequence number; see the type's documentation. */
    long seq();

    /** The path whose top-level entry decides the message group; see {@link WireFormat#groupOf}. */
    default RelPath groupPath() {
        return path();
    }

    /**
     * A part of a file's body that is not its last: {@code length} bytes at {@code offset}, in
     * the message body. The file becomes visible only with its {@link PutFile}.
     */
    record FileChunk(RelPath path, long seq, long offset, int length) implements ChangeEvent {
        public FileChunk {
            requirePath(path);
            requireSeq(seq);
            require(offset >= 0, "chunk offset is negative");
            require(length > 0 && length <= WireFormat.MAX_CHUNK_BYTES,
                    "chunk length out of range: " + length);
        }
    }

    /**
     * The last (often only) part of a file's body, {@code length} bytes at {@code offset}, and what
     * the whole file must be: its size, SHA-256, permission bits and modification time.
     */
    record PutFile(RelPath path, long seq, long offset, int length, long size, String sha256,
                   int mode, long mtimeNanos) implements ChangeEvent {
        public PutFile {
            requirePath(path);
            requireSeq(seq);
            require(offset >= 0, "offset is negative");
            require(length >= 0 && length <= WireFormat.MAX_CHUNK_BYTES,
                    "chunk length out of range: " + length);
            require(size == offset + length, "size " + size + " is not offset + length");
            require(sha256 != null && sha256.matches("[0-9a-f]{64}"), "sha256 is not 64 hex digits");
            requireMode(mode);
        }
    }

    /** A directory exists with these permission bits and modification time. */
    record PutDirectory(RelPath path, long seq, int mode, long mtimeNanos) implements ChangeEvent {
        public PutDirectory {
            requirePath(path);
            requireSeq(seq);
            requireMode(mode);
        }
    }

    /** A symbolic link whose target, resolved from the link's directory, stays inside the tree. */
    record PutSymlink(RelPath path, long seq, String target) implements ChangeEvent {
        public PutSymlink {
            requirePath(path);
            requireSeq(seq);
            require(target != null && !target.isEmpty(), "symlink target is empty");
            require(RelPath.isValidUnicode(target), "symlink target is not valid Unicode (lone surrogate)");
            require(WireFormat.symlinkStaysInside(path, target),
                    "symlink target leaves the tree: " + target);
        }
    }

    /** Whatever is at the path (a file, a link, or a whole directory tree) is gone. */
    record Delete(RelPath path, long seq) implements ChangeEvent {
        public Delete {
            requirePath(path);
            requireSeq(seq);
        }
    }

    /** The entry at {@code from} (a file, link or whole directory) now lives at {@code path}. */
    record Rename(RelPath from, RelPath path, long seq) implements ChangeEvent {
        public Rename {
            requirePath(from);
            requirePath(path);
            requireSeq(seq);
            require(!from.contains(path) && !path.contains(from),
                    "rename into itself: " + from + " -> " + path);
        }

        @Override
        public RelPath groupPath() {
            return from;
        }
    }

    /**
     * The producer gave up on the body it started for this path and sequence number (the file
     * changed or vanished while it was read); the consumer discards what it staged for it.
     */
    record Abort(RelPath path, long seq) implements ChangeEvent {
        public Abort {
            requirePath(path);
            requireSeq(seq);
        }
    }

    /**
     * The file or directory at the path keeps its content and gets these permission bits and
     * modification time: what a repair sends for an entry of a mirror that differs in nothing else,
     * so that no body travels for a {@code chmod} or a {@code touch}. Needs wire version 3; a
     * consumer applies it only where its sequence number is newer than what it applied there,
     * like any event, and only to a file or directory (a symbolic link has no attributes Ferry
     * carries).
     */
    record PutAttributes(RelPath path, long seq, int mode, long mtimeNanos) implements ChangeEvent {
        public PutAttributes {
            requirePath(path);
            requireSeq(seq);
            requireMode(mode);
        }
    }

    private static void requirePath(RelPath path) {
        require(path != null, "path is missing");
    }

    private static void requireSeq(long seq) {
        require(seq > 0, "seq must be positive");
    }

    private static void requireMode(int mode) {
        require(mode >= 0 && mode <= 0777, "mode out of range: " + mode);
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new IllegalArgumentException(reason);
        }
    }
}
