package dev.ferry.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Writes one signature while its content is read: feed it the chunks of a {@link ContentChunker}
 * (it is a {@link ChunkListener}). The records go to a temporary file in the store's directory as
 * they come, so memory stays flat however large the file; {@link #commit} completes the header and
 * the CRC, fsyncs, and renames the file to its final name, so a signature is either whole or not
 * there. Made by {@link SignatureStore#begin}; not thread-safe.
 */
public final class SignatureWriter implements ChunkListener, AutoCloseable {

    private final SignatureStore store;
    private final ChunkParameters parameters;
    private final Path temporary;
    private final FileChannel channel;
    private final ByteBuffer records = ByteBuffer.allocate(SignatureFormat.RECORD_SIZE * 4096);

    private long nextOffset;
    private int chunkCount;
    private boolean committed;
    private boolean abandoned;

    SignatureWriter(SignatureStore store, ChunkParameters parameters, Path temporary) throws IOException {
        this.store = store;
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.temporary = temporary;
        this.channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.READ);
        channel.position(SignatureFormat.HEADER_SIZE);
    }

    public ChunkParameters parameters() {
        return parameters;
    }

    /** The next chunk; offsets must follow on from 0 without a gap, lengths within the parameters' maximum. */
    @Override
    public void chunk(long offset, int length, long hash) throws IOException {
        checkOpen();
        if (offset != nextOffset) {
            throw new IllegalArgumentException("chunk at byte " + offset + " where the next one starts at byte "
                    + nextOffset + " (" + temporary + ")");
        }
        if (length < 1 || length > parameters.maxSize()) {
            throw new IllegalArgumentException("chunk of " + length + " bytes at byte " + offset + ", not from 1 to "
                    + parameters.maxSize() + " (" + temporary + ")");
        }
        if (chunkCount == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more chunks than a signature holds (" + temporary + ")");
        }
        if (records.remaining() < SignatureFormat.RECORD_SIZE) {
            flushRecords();
        }
        SignatureFormat.putRecord(records, length, hash);
        nextOffset += length;
        chunkCount++;
    }

    /**
     * Keeps the signature of {@code contentSha256} (lowercase hex) under its final name, replacing
     * any earlier one. Without an fsync: a signature is a cache, checked whole when it is read (its
     * CRC, its length, that its chunks add up), so one a power cut tore or lost only means the next
     * version of its file is sent whole; an fsync (two, with the directory's) for every large file
     * published would cost an initial sync of many large files a disk flush each. The chunks must add up to {@code fileSize}, or nothing is kept and
     * this throws {@link IllegalArgumentException}. On any failure the temporary file is deleted.
     */
    public void commit(String contentSha256, long fileSize) throws IOException {
        checkOpen();
        boolean done = false;
        try {
            SignatureStore.checkSha256(contentSha256);
            if (fileSize != nextOffset) {
                throw new IllegalArgumentException("chunks of " + nextOffset + " bytes for content " + contentSha256
                        + " of " + fileSize + " bytes");
            }
            flushRecords();
            writeFully(SignatureFormat.header(parameters, fileSize, contentSha256, chunkCount), 0);
            long end = channel.size();
            writeFully(ByteBuffer.allocate(SignatureFormat.TRAILER_SIZE).putInt(crcOf(end)).flip(), end);
            channel.close();
            Files.move(temporary, store.pathOf(contentSha256), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            done = true;
            committed = true;
        } finally {
            if (!done) {
                abandon();
            }
        }
    }

    /** Deletes the temporary file; idempotent, never throws (a leftover is deleted when a store opens). */
    public void abandon() {
        if (committed || abandoned) {
            return;
        }
        abandoned = true;
        try {
            channel.close();
        } catch (IOException | RuntimeException e) {
            // Closing a file we only wrote to: nothing to save, and deleting it follows.
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException | RuntimeException e) {
            SignatureStore.LOG.debug("Could not delete the temporary signature {}: {}", temporary, e.toString());
        }
    }

    /** Abandons the signature unless it was committed. */
    @Override
    public void close() {
        abandon();
    }

    private void checkOpen() {
        if (committed || abandoned) {
            throw new IllegalStateException("signature writer " + temporary + " already "
                    + (committed ? "committed" : "abandoned"));
        }
    }

    private void flushRecords() throws IOException {
        records.flip();
        while (records.hasRemaining()) {
            channel.write(records);
        }
        records.clear();
    }

    private void writeFully(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /**
     * The CRC of what was written, read back: the header is only known at the end but comes
     * first, and CRC32 cannot be combined. The file was just written, so this reads the page cache.
     */
    private int crcOf(long end) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long position = 0;
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("temporary signature " + temporary + " ends at byte " + position + " of " + end);
            }
            position += read;
            crc.update(buffer.flip());
        }
        return (int) crc.getValue();
    }
}
