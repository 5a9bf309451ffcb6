package dev.ferry.delta;

import java.io.IOException;

/** Receives the chunks a {@link ContentChunker} cuts, in file order. */
@FunctionalInterface
public interface ChunkListener {

    /**
     * One chunk: its bytes are {@code [offset, offset + length)} of the input, and {@code hash} is
     * the first 8 bytes of their SHA-256, big-endian.
     */
    void chunk(long offset, int length, long hash) throws IOException;
}
