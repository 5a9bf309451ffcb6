package dev.ferry.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: seeded random content, and the chunks a chunker cuts from it. */
final class Chunks {

    record Chunk(long offset, int length, long hash) {
    }

    private Chunks() {
    }

    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The chunks of {@code content}, fed in buffers of {@code feed} bytes. */
    static List<Chunk> of(ChunkParameters parameters, byte[] content, int feed) {
        List<Chunk> chunks = new ArrayList<>();
        ContentChunker chunker = new ContentChunker(parameters, (offset, length, hash) -> chunks.add(
                new Chunk(offset, length, hash)));
        try {
            for (int at = 0; at < content.length; at += feed) {
                chunker.update(content, at, Math.min(feed, content.length - at));
            }
            chunker.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return chunks;
    }

    static List<Chunk> of(ChunkParameters parameters, byte[] content) {
        return of(parameters, content, Math.max(1, content.length));
    }

    static byte[] splice(byte[] content, int at, int remove, byte[] insert) {
        byte[] result = new byte[content.length - remove + insert.length];
        System.arraycopy(content, 0, result, 0, at);
        System.arraycopy(insert, 0, result, at, insert.length);
        System.arraycopy(content, at + remove, result, at + insert.length, content.length - at - remove);
        return result;
    }
}
