package dev.ferry.delta;

import java.io.IOException;

/**
 * Receives a delta recipe from a {@link DeltaEncoder}, in output order: the new content is the
 * concatenation of every copied base range and every literal, as they arrive.
 */
public interface RecipeSink {

    /** The next {@code length} bytes of the new content are the base's {@code [baseOffset, baseOffset + length)}. */
    void copy(long baseOffset, long length) throws IOException;

    /**
     * The next bytes of the new content are {@code data[offset, offset + length)}. The array is the
     * encoder's (or its caller's): use or copy the bytes before returning.
     */
    void literal(byte[] data, int offset, int length) throws IOException;
}
