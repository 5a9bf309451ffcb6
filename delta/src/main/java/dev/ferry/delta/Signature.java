package dev.ferry.delta;

import java.util.Objects;

/**
 * The content-defined chunks of one published content, in file order: what a delta of its next
 * version is encoded against. Immutable. Memory: 12 bytes a chunk (a {@code long} hash and an
 * {@code int} length), one offset per {@value #CHECKPOINT_INTERVAL} chunks, and the lookup that
 * {@link #indexOf} builds the first time it is asked.
 */
public final class Signature {

    /** Offsets are kept for every 64th chunk only, so {@link #offsetOf} adds at most 63 lengths. */
    static final int CHECKPOINT_INTERVAL = 64;

    private final ChunkParameters parameters;
    private final long fileSize;
    private final String contentSha256;
    private final long[] hashes;
    private final int[] lengths;
    private final long[] checkpoints;
    private volatile ChunkLookup lookup;

    /** Takes the arrays as they are (not copied): the caller hands them over. Lengths must add up to fileSize. */
    Signature(ChunkParameters parameters, long fileSize, String contentSha256, long[] hashes, int[] lengths) {
        if (hashes.length != lengths.length) {
            throw new IllegalArgumentException(hashes.length + " hashes for " + lengths.length + " chunk lengths");
        }
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.fileSize = fileSize;
        this.contentSha256 = Objects.requireNonNull(contentSha256, "contentSha256");
        this.hashes = hashes;
        this.lengths = lengths;
        this.checkpoints = checkpoints(lengths);
        long total = 0;
        for (int length : lengths) {
            total += length;
        }
        if (total != fileSize) {
            throw new IllegalArgumentException("chunks of " + total + " bytes for a file of " + fileSize);
        }
    }

    public ChunkParameters parameters() {
        return parameters;
    }

    public long fileSize() {
        return fileSize;
    }

    /** The SHA-256 of the whole content, lowercase hex. */
    public String contentSha256() {
        return contentSha256;
    }

    public int chunkCount() {
        return lengths.length;
    }

    public long offsetOf(int chunk) {
        Objects.checkIndex(chunk, lengths.length);
        int checkpoint = chunk / CHECKPOINT_INTERVAL;
        long offset = checkpoints[checkpoint];
        for (int i = checkpoint * CHECKPOINT_INTERVAL; i < chunk; i++) {
            offset += lengths[i];
        }
        return offset;
    }

    public int lengthOf(int chunk) {
        return lengths[Objects.checkIndex(chunk, lengths.length)];
    }

    public long hashOf(int chunk) {
        return hashes[Objects.checkIndex(chunk, hashes.length)];
    }

    /** The index of a chunk with this hash and length (the first, if several), or -1. */
    public int indexOf(long hash, int length) {
        ChunkLookup current = lookup;
        if (current == null) {
            // Built at most a few times if threads race; each is complete and equal to the others.
            current = new ChunkLookup(hashes, lengths);
            lookup = current;
        }
        return current.indexOf(hashes, lengths, hash, length);
    }

    @Override
    public String toString() {
        return "Signature[" + contentSha256 + ", " + fileSize + " bytes, " + lengths.length + " chunks, "
                + parameters + "]";
    }

    private static long[] checkpoints(int[] lengths) {
        long[] result = new long[(lengths.length + CHECKPOINT_INTERVAL - 1) / CHECKPOINT_INTERVAL + 1];
        long offset = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (i % CHECKPOINT_INTERVAL == 0) {
                result[i / CHECKPOINT_INTERVAL] = offset;
            }
            offset += lengths[i];
        }
        return result;
    }
}
