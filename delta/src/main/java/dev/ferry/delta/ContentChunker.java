package dev.ferry.delta;

import java.io.IOException;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Cuts a stream of bytes into content-defined chunks with FastCDC (Xia et al., USENIX ATC 2016) and
 * reports each with a 64-bit identity: its CRC-32C and its CRC-32 side by side. Because a boundary depends only on the bytes
 * near it, an insertion or deletion moves the boundaries of one to three chunks and the others
 * keep their identity: that is what lets a delta copy them from the previous version.
 *
 * <p>The gear hash {@code h = (h << 1) + GEAR[b]} is tested on its top bits, which depend on the
 * last 64 bytes (its low bits would see only the last few). Normalized chunking: before the average
 * size a cut needs two bits more than the average's, after it two bits fewer, which draws chunk
 * sizes towards the average. The first {@code minSize} bytes of a chunk are not hashed at all (cut-
 * point skipping): that is most of FastCDC's speed. Bytes may be fed in buffers of any size; the
 * boundaries are the same. Not thread-safe. If the listener throws, this chunker is spent.
 *
 * <p>Why two CRCs and not a cryptographic hash: the identity only proposes which chunk of the base
 * to copy; the consumer verifies the SHA-256 of the whole new file, and a file whose delta went
 * wrong is sent whole by a repair. So a collision costs time, never a wrong file, and what counts
 * is speed: the chunker runs over every byte of every large file published, and with the first 8
 * bytes of a SHA-256 per chunk it ran at 910 MB/s, as slow as the producer's own SHA-256 of the
 * file, a second pass. Both CRCs are instructions on x86 and ARM (several GB/s); they use different
 * polynomials, so two different chunks of random content share both with a chance of 2^-64.
 */
public final class ContentChunker {

    /** FastCDC's normalization level 2, as the paper recommends: masks of avg bits + 2 and - 2. */
    private static final int NORMALIZATION = 2;

    private static final long[] GEAR = GearTable.shared();

    private final ChunkParameters parameters;
    private final ChunkListener listener;
    private final long strictMask;
    private final long looseMask;
    private final CRC32C castagnoli = new CRC32C();
    private final CRC32 ieee = new CRC32();

    private long position;
    private long chunkStart;
    private long hash;
    private boolean finished;

    public ContentChunker(ChunkParameters parameters, ChunkListener listener) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.listener = Objects.requireNonNull(listener, "listener");
        int bits = Integer.numberOfTrailingZeros(parameters.averageSize());
        this.strictMask = topBits(bits + NORMALIZATION);
        this.looseMask = topBits(bits - NORMALIZATION);
    }

    public ChunkParameters parameters() {
        return parameters;
    }

    /** Bytes fed so far. */
    public long position() {
        return position;
    }

    /** Feeds {@code data[offset, offset + length)}; reports every chunk that ends within them. */
    public void update(byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (finished) {
            throw new IllegalStateException("chunker already finished at byte " + position);
        }
        int end = offset + length;
        int digested = offset;
        int at = offset;
        while (at < end) {
            int cut = advance(data, at, end);
            if (cut < 0) {
                break;
            }
            digest(data, digested, cut - digested);
            digested = cut;
            at = cut;
            endChunk();
        }
        digest(data, digested, end - digested);
    }

    private void digest(byte[] data, int from, int length) {
        castagnoli.update(data, from, length);
        ieee.update(data, from, length);
    }

    /** Ends the last chunk; an empty input has none. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (position > chunkStart) {
            endChunk();
        }
    }

    /**
     * Scans {@code data[at, end)} for the end of the current chunk: its index (exclusive) if it is
     * in there, else -1 with every byte consumed. Updates {@link #position}.
     */
    private int advance(byte[] data, int at, int end) {
        while (at < end) {
            long length = position - chunkStart;
            int room = end - at;
            int step;
            int cut = -1;
            if (length < parameters.minSize()) {
                step = (int) Math.min(room, parameters.minSize() - length);
            } else if (length < parameters.averageSize()) {
                step = (int) Math.min(room, parameters.averageSize() - length);
                cut = scan(data, at, at + step, strictMask);
            } else {
                step = (int) Math.min(room, parameters.maxSize() - length);
                cut = scan(data, at, at + step, looseMask);
            }
            if (cut >= 0) {
                position += cut - at;
                return cut;
            }
            at += step;
            position += step;
            if (position - chunkStart == parameters.maxSize()) {
                return at;
            }
        }
        return -1;
    }

    /** The hot loop: one shift, one add, one table read and one test a byte. */
    private int scan(byte[] data, int from, int to, long mask) {
        long h = hash;
        for (int i = from; i < to; i++) {
            h = (h << 1) + GEAR[data[i] & 0xff];
            if ((h & mask) == 0) {
                hash = h;
                return i + 1;
            }
        }
        hash = h;
        return -1;
    }

    private void endChunk() throws IOException {
        long identity = castagnoli.getValue() << 32 | ieee.getValue();
        castagnoli.reset();
        ieee.reset();
        long offset = chunkStart;
        int length = (int) (position - chunkStart);
        chunkStart = position;
        hash = 0;
        listener.chunk(offset, length, identity);
    }

    private static long topBits(int count) {
        return -1L << (Long.SIZE - count);
    }
}
