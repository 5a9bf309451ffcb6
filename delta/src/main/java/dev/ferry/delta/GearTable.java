package dev.ferry.delta;

/**
 * The 256 random 64-bit values of FastCDC's gear hash, one per byte value. They are derived from a
 * fixed seed with SplitMix64 rather than {@code new Random()}: chunk boundaries must be the same in
 * every run and every version of the producer, or a signature kept from an earlier run would match
 * nothing. Changing the seed loses no correctness (the receiver checks the SHA-256 of what a delta made), only every
 * delta until the signatures are made again; ContentChunkerTest pins the boundaries.
 */
final class GearTable {

    /** "ferrycdc" in ASCII. */
    static final long SEED = 0x6665727279636463L;

    private static final long[] GEAR = generate();

    private GearTable() {
    }

    static long[] values() {
        return GEAR.clone();
    }

    /** Shared, not copied: the chunker's hot loop reads it; nobody writes it. */
    static long[] shared() {
        return GEAR;
    }

    private static long[] generate() {
        long[] table = new long[256];
        long state = SEED;
        for (int i = 0; i < table.length; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            table[i] = z ^ (z >>> 31);
        }
        return table;
    }
}
