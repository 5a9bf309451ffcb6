package dev.ferry.delta;

/**
 * How a file is cut into content-defined chunks: no chunk is shorter than {@code minSize} (except a
 * file's last) or longer than {@code maxSize}, and on random data they average about
 * {@code averageSize}. A signature records the parameters it was made with, and a delta against it
 * must cut the new content with the same ones, or no chunk would match.
 *
 * @param minSize     the shortest chunk, at least 1 and at most {@code averageSize}
 * @param averageSize the target average, a power of two from {@value #MIN_AVERAGE} to {@value #MAX_AVERAGE}
 * @param maxSize     the longest chunk, at least {@code averageSize} and at most {@value #MAX_MAX_SIZE}
 */
public record ChunkParameters(int minSize, int averageSize, int maxSize) {

    /**
     * The average chunk size of files up to {@code DEFAULT_AVERAGE * MAX_CHUNKS} bytes (2 GiB).
     * Chosen by measurement (DeltaMeasurement in the tests; AMD EPYC with SHA extensions, one
     * thread, Java 17). An edit costs about one to one and a half chunks of literal bytes, so
     * literal bytes grow with the average: 50 lines inserted into 17 MB of Java sent 0.6 MB at
     * 8 KiB, 1.0 MB at 16 KiB, 2.0 MB at 32 KiB and 3.8 MB at 64 KiB. Speed did not decide it:
     * chunking ran at 1.3-1.8 GB/s for all four (cut-point skipping makes the gear hash cheap; the
     * chunks' CRCs dominate; 860-920 MB/s with a SHA-256 per chunk, see ContentChunker). The cost of small chunks is the signature: 12 bytes a chunk,
     * kept on disk for every published content, so 0.07% of the published bytes at 16 KiB (750 MB
     * for a terabyte) against 0.15% at 8 KiB, whose further 40% fewer literal bytes do not pay
     * for twice the store and twice the chunks to look up. A 2 MiB change in 64 MiB of random data
     * sent 2.1-2.2 MB at 8 to 32 KiB, 2.5 MB at 64 KiB.
     */
    public static final int DEFAULT_AVERAGE = 16 * 1024;

    /**
     * The chunk count one file aims at, at most: a larger file gets a larger average so that its
     * signature (12 bytes a chunk, plus the lookup) stays bounded. The {@value #MAX_AVERAGE} cap on
     * the average wins beyond 128 GiB, where the count grows again (2^20 chunks expected for 1 TiB,
     * 2^22 at most).
     */
    public static final int MAX_CHUNKS = 1 << 17;

    /** The smallest average accepted: the normalized masks take two bits off it. */
    public static final int MIN_AVERAGE = 64;

    /** The largest average {@link #forFileSize} chooses, and that a signature may have. */
    public static final int MAX_AVERAGE = 1 << 20;

    /** The largest chunk accepted: bounds what an encoder or chunker holds in memory. */
    public static final int MAX_MAX_SIZE = 4 * MAX_AVERAGE;

    /** Validates once, with the value that is wrong in the message. */
    public ChunkParameters {
        if (averageSize < MIN_AVERAGE || averageSize > MAX_AVERAGE || Integer.bitCount(averageSize) != 1) {
            throw new IllegalArgumentException("chunk average size " + averageSize + " is not a power of two from "
                    + MIN_AVERAGE + " to " + MAX_AVERAGE);
        }
        if (minSize < 1 || minSize > averageSize) {
            throw new IllegalArgumentException("chunk minimum size " + minSize + " is not from 1 to the average size "
                    + averageSize);
        }
        if (maxSize < averageSize || maxSize > MAX_MAX_SIZE) {
            throw new IllegalArgumentException("chunk maximum size " + maxSize + " is not from the average size "
                    + averageSize + " to " + MAX_MAX_SIZE);
        }
    }

    /**
     * The parameters for a file of {@code size} bytes: average {@code max(DEFAULT_AVERAGE, next power
     * of two >= size / MAX_CHUNKS)}, capped at {@value #MAX_AVERAGE}; minimum a quarter of it,
     * maximum four times it.
     */
    public static ChunkParameters forFileSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("file size " + size + " is negative");
        }
        long perChunk = Math.max(1, (size + MAX_CHUNKS - 1) / MAX_CHUNKS);
        long powerOfTwo = Long.highestOneBit(perChunk) == perChunk ? perChunk : Long.highestOneBit(perChunk) << 1;
        int average = (int) Math.min(MAX_AVERAGE, Math.max(DEFAULT_AVERAGE, powerOfTwo));
        return of(average);
    }

    /** The usual shape around an average: minimum a quarter of it, maximum four times it. */
    public static ChunkParameters of(int averageSize) {
        return new ChunkParameters(averageSize / 4, averageSize, averageSize * 4);
    }
}
