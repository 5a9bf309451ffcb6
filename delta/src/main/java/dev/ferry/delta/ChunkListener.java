package dev.ferry.delta;

import java.io.IOException;

/** Receives the chunks a {@link ContentChunker} cuts, in file order. */
@FunctionalInterface
public interface ChunkListener {

    /**
     * One chunk: its bytes are {@code [offset, offset + length)} of the input, and {@code hash} is
     * their CRC-32C in the high half and their CRC-32 in the low half (see {@link ContentChunker}).
     */
    void chunk(long offset, int length, long hash) throws IOException;
}
