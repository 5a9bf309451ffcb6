package dev.ferry.delta;

/**
 * Finds the first chunk of a signature with a given hash and length: open addressing with linear
 * probing over one {@code int[]} of chunk indexes (plus one, 0 is empty), at most half full. About
 * 8 to 16 bytes a chunk, and no boxing: a signature of a million chunks stays a few megabytes.
 */
final class ChunkLookup {

    private final int[] slots;
    private final int mask;

    ChunkLookup(long[] hashes, int[] lengths) {
        int capacity = Integer.highestOneBit(Math.max(2, hashes.length) * 2 - 1) << 1;
        slots = new int[capacity];
        mask = capacity - 1;
        for (int chunk = 0; chunk < hashes.length; chunk++) {
            int slot = find(hashes, lengths, hashes[chunk], lengths[chunk]);
            if (slots[slot] == 0) {
                slots[slot] = chunk + 1;
            }
        }
    }

    /** The first chunk with this hash and length, or -1. */
    int indexOf(long[] hashes, int[] lengths, long hash, int length) {
        return slots[find(hashes, lengths, hash, length)] - 1;
    }

    /** The slot holding this key, or the empty slot where it would go. */
    private int find(long[] hashes, int[] lengths, long hash, int length) {
        // The low half is a CRC-32 of the chunk: its low bits are as well spread as any mix of them.
        int slot = (int) hash & mask;
        while (true) {
            int entry = slots[slot];
            if (entry == 0 || (hashes[entry - 1] == hash && lengths[entry - 1] == length)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }
}
