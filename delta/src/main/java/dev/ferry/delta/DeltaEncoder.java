package dev.ferry.delta;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encodes new content as a recipe against the signature of its base (the version the other side
 * has), streaming: it cuts the new bytes with the base's parameters, and a chunk whose hash and
 * length the base has becomes a copy of the base's range, any other its literal bytes. Adjacent
 * copies are merged (contiguous in the base and in the output), so an unchanged file is one copy.
 *
 * <p>A chunk is matched by its 64-bit identity and its length (see {@link ContentChunker}): a false
 * match is rare, and costs no wrong file, since the receiver checks the whole content's SHA-256. Only the bytes of the
 * chunk being cut are held (at most the base's {@code maxSize}); bytes that turn out to be a copy
 * are never copied at all. Optionally writes the new content's signature from the same chunks, so
 * the next version can be encoded against this one. Not thread-safe.
 */
public final class DeltaEncoder {

    private final Signature base;
    private final RecipeSink out;
    private final SignatureWriter newSignature;
    private final ContentChunker chunker;

    /** The bytes of the current chunk that came in earlier calls of {@link #update}. */
    private byte[] held = new byte[0];
    private int heldLength;
    /** The bytes of the current call of {@link #update}, and where they start in the new content. */
    private byte[] data;
    private int dataOffset;
    private long dataStart;
    private long lastChunkEnd;

    /**
     * A run of unchanged chunks is handed on at least every 64 MiB, not only where it ends: the
     * receiver can then copy the start of a large unchanged file while the rest is still read.
     */
    static final long MAX_MERGED_COPY = 64L << 20;

    private long pendingCopyFrom = -1;
    private long pendingCopyLength;
    private long literalBytes;
    private long copiedBytes;
    private boolean finished;

    /** @param newSignature receives the new content's chunks when not null; it must use the base's parameters */
    public DeltaEncoder(Signature base, RecipeSink out, SignatureWriter newSignature) {
        this.base = Objects.requireNonNull(base, "base");
        this.out = Objects.requireNonNull(out, "out");
        this.newSignature = newSignature;
        if (newSignature != null && !newSignature.parameters().equals(base.parameters())) {
            throw new IllegalArgumentException("the new signature is cut with " + newSignature.parameters()
                    + " but the base " + base.contentSha256() + " with " + base.parameters());
        }
        this.chunker = new ContentChunker(base.parameters(), this::chunk);
    }

    public void update(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (finished) {
            throw new IllegalStateException("delta encoder already finished at byte " + chunker.position());
        }
        data = bytes;
        dataOffset = offset;
        dataStart = chunker.position();
        chunker.update(bytes, offset, length);
        holdTail(bytes, offset, length);
        data = null;
    }

    /** Ends the last chunk and sends the copy still waiting to be merged. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        dataStart = chunker.position();
        chunker.finish();
        flushCopy();
    }

    /** Literal bytes sent so far. */
    public long literalBytes() {
        return literalBytes;
    }

    /** Bytes sent as copies of the base so far (including the copy waiting to be merged). */
    public long copiedBytes() {
        return copiedBytes;
    }

    /** Keeps the bytes of this call that belong to the chunk not yet ended (it starts where the last one ended). */
    private void holdTail(byte[] bytes, int offset, int length) {
        int from = (int) (Math.max(lastChunkEnd, dataStart) - dataStart);
        int count = length - from;
        if (heldLength + count > held.length) {
            held = Arrays.copyOf(held, Math.max(heldLength + count,
                    Math.min(base.parameters().maxSize(), Math.max(1024, held.length * 2))));
        }
        System.arraycopy(bytes, offset + from, held, heldLength, count);
        heldLength += count;
    }

    private void chunk(long offset, int length, long hash) throws IOException {
        if (newSignature != null) {
            newSignature.chunk(offset, length, hash);
        }
        int match = base.indexOf(hash, length);
        if (match >= 0) {
            copy(base.offsetOf(match), length);
        } else {
            literal(offset, length);
        }
        lastChunkEnd = offset + length;
        heldLength = 0;
    }

    /** Sends a chunk's bytes: first what was held from earlier calls, then the rest from this one. */
    private void literal(long offset, int length) throws IOException {
        flushCopy();
        int fromHeld = (int) Math.max(0, Math.min(length, dataStart - offset));
        if (fromHeld > 0) {
            out.literal(held, 0, fromHeld);
        }
        if (length > fromHeld) {
            out.literal(data, dataOffset + (int) (offset + fromHeld - dataStart), length - fromHeld);
        }
        literalBytes += length;
    }

    private void copy(long baseOffset, int length) throws IOException {
        copiedBytes += length;
        if (pendingCopyFrom >= 0 && pendingCopyFrom + pendingCopyLength == baseOffset) {
            pendingCopyLength += length;
            if (pendingCopyLength >= MAX_MERGED_COPY) {
                flushCopy();
            }
            return;
        }
        flushCopy();
        pendingCopyFrom = baseOffset;
        pendingCopyLength = length;
    }

    private void flushCopy() throws IOException {
        if (pendingCopyFrom >= 0) {
            out.copy(pendingCopyFrom, pendingCopyLength);
            pendingCopyFrom = -1;
            pendingCopyLength = 0;
        }
    }
}
