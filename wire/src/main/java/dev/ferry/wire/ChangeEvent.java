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
        @JsonSubTypes.Type(value = ChangeEvent.DeltaChunk.class, name = "delta-chunk"),
        @JsonSubTypes.Type(value = ChangeEvent.PutDelta.class, name = "delta-file"),
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
     * The event that makes a regular file visible, whole and verified: {@link PutFile} with its
     * bytes, or {@link PutDelta} from its previous version.
     */
    sealed interface FileVersion extends ChangeEvent {
        /** The whole file's size in bytes. */
        long size();

        /** The whole file's SHA-256, 64 lowercase hex digits. */
        String sha256();

        int mode();

        long mtimeNanos();
    }

    /**
     * The last (often only) part of a file's body, {@code length} bytes at {@code offset}, and what
     * the whole file must be: its size, SHA-256, permission bits and modification time.
     */
    record PutFile(RelPath path, long seq, long offset, int length, long size, String sha256,
                   int mode, long mtimeNanos) implements FileVersion {
        public PutFile {
            requirePath(path);
            requireSeq(seq);
            require(offset >= 0, "offset is negative");
            require(length >= 0 && length <= WireFormat.MAX_CHUNK_BYTES,
                    "chunk length out of range: " + length);
            require(size == offset + length, "size " + size + " is not offset + length");
            requireSha256(sha256, "sha256");
            requireMode(mode);
        }
    }

    /**
     * A part of a file's new body, not its last, made from the version of the file the mirror
     * holds (the <em>base</em>: the content whose SHA-256 is {@code base} and size {@code baseSize},
     * which the producer published before) and literal bytes: a delta. It writes the {@code length}
     * bytes of the new body from {@code offset} on, piece by piece, as {@code pieces} says (see
     * {@link DeltaPieces}); the literal pieces' bytes follow one another in the message body. The
     * new file becomes visible only with its {@link PutDelta}, once its whole SHA-256 is verified:
     * a mirror whose file is not the base never shows a wrong file.
     */
    record DeltaChunk(RelPath path, long seq, long offset, long length, String base, long baseSize,
                      DeltaPieces pieces) implements ChangeEvent {
        public DeltaChunk {
            requireDelta(path, seq, offset, length, base, baseSize, pieces);
            require(length > 0, "a delta chunk writes nothing");
        }

        /** The bytes of the message body: those of the literal pieces. */
        public int bodyLength() {
            return pieces.literalBytes();
        }
    }

    /**
     * The last (often only) part of a file's new body made from its base, as {@link DeltaChunk}
     * says, and what the whole file must be, as {@link PutFile} says.
     */
    record PutDelta(RelPath path, long seq, long offset, long length, String base, long baseSize,
                    DeltaPieces pieces, long size, String sha256, int mode, long mtimeNanos) implements FileVersion {
        public PutDelta {
            requireDelta(path, seq, offset, length, base, baseSize, pieces);
            require(size == offset + length, "size " + size + " is not offset + length");
            requireSha256(sha256, "sha256");
            requireMode(mode);
        }

        /** The bytes of the message body: those of the literal pieces. */
        public int bodyLength() {
            return pieces.literalBytes();
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

    private static void requireDelta(RelPath path, long seq, long offset, long length, String base, long baseSize,
                                     DeltaPieces pieces) {
        requirePath(path);
        requireSeq(seq);
        require(offset >= 0, "offset is negative");
        require(length >= 0 && offset + length >= 0, "length out of range: " + length);
        requireSha256(base, "base");
        require(baseSize >= 0, "base size is negative");
        require(pieces != null, "pieces are missing");
        require(pieces.length() == length, "the pieces write " + pieces.length() + " bytes, not the length "
                + length);
        require(pieces.reach() <= baseSize, "a piece copies bytes up to " + pieces.reach()
                + ", past the end of the base of " + baseSize + " bytes");
    }

    private static void requireSha256(String hex, String what) {
        require(hex != null && hex.length() == 64 && hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f'),
                what + " is not 64 lowercase hex digits");
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
