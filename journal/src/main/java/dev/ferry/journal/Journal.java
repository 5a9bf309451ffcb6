package dev.ferry.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * A crash-safe, append-only log of key/value updates, replayed into the caller's own map at open.
 *
 * <p>Each record is framed as length, CRC32C, payload, so a record torn by a crash is detected at
 * the next open and the log is cut back to its last whole record: an update is either entirely
 * there or entirely absent. Updates are buffered until {@link #commit()}, which writes and fsyncs
 * them. When the log holds many more records than live keys, {@link #commit()} rewrites it from
 * the caller's live entries into a new file that atomically replaces the old one.
 *
 * <p>The journal keeps no map of its own, so the caller's in-memory structure is the only copy.
 */
public final class Journal implements AutoCloseable {

    private static final byte PUT = 1;
    private static final byte REMOVE = 2;
    private static final int MAX_RECORD = 1 << 20;
    private static final long COMPACTION_SLACK = 10_000;

    private final Path file;
    private FileChannel channel;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long records;

    private Journal(Path file, FileChannel channel, long records) {
        this.file = file;
        this.channel = channel;
        this.records = records;
    }

    /**
     * Opens (or creates) the journal at {@code file}, handing every surviving update to
     * {@code replay} in order: a {@code null} value means the key was removed.
     */
    public static Journal open(Path file, BiConsumer<String, String> replay) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long[] whole = replay(channel, replay);
            channel.truncate(whole[0]);
            channel.position(whole[0]);
            return new Journal(file, channel, whole[1]);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Replays records; returns the byte length of the whole records and their count. */
    private static long[] replay(FileChannel channel, BiConsumer<String, String> replay) throws IOException {
        channel.position(0);
        InputStream raw = Channels.newInputStream(channel);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
        // One buffer for every record: replaying an index of a large tree is most of a restart.
        byte[] payload = new byte[256];
        CRC32C check = new CRC32C();
        long offset = 0;
        long count = 0;
        while (true) {
            int length;
            int crc;
            try {
                length = in.readInt();
                crc = in.readInt();
                if (length <= 0 || length > MAX_RECORD) {
                    break;
                }
                if (payload.length < length) {
                    payload = new byte[Math.max(length, 2 * payload.length)];
                }
                in.readFully(payload, 0, length);
            } catch (EOFException e) {
                break;
            }
            check.reset();
            check.update(payload, 0, length);
            if ((int) check.getValue() != crc) {
                break;
            }
            Record record = new Record(payload, length);
            byte op = record.readByte();
            String key = record.readUTF();
            replay.accept(key, op == PUT ? record.readUTF() : null);
            offset += 8 + length;
            count++;
        }
        return new long[] {offset, count};
    }

    /** Reads one record's payload, as {@link DataOutputStream} wrote it, without copying it. */
    private static final class Record {
        private final byte[] bytes;
        private final int length;
        private int position;

        Record(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        byte readByte() throws IOException {
            require(1);
            return bytes[position++];
        }

        /**
         * Modified UTF-8 as writeUTF writes it. The usual text, ASCII with NULs (writeUTF writes a
         * NUL as the two bytes C0 80, and the index's values are NUL-separated), is decoded in
         * place; anything else goes through DataInputStream.
         */
        String readUTF() throws IOException {
            require(2);
            int size = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
            require(2 + size);
            int start = position + 2;
            int end = start + size;
            int nuls = 0;
            boolean simple = true;
            int i = start;
            while (i < end && simple) {
                if (bytes[i] > 0) {
                    i++;
                } else {
                    simple = bytes[i] == (byte) 0xC0 && i + 1 < end && bytes[i + 1] == (byte) 0x80;
                    nuls++;
                    i += 2;
                }
            }
            String text;
            if (!simple) {
                text = new DataInputStream(new ByteArrayInputStream(bytes, position, 2 + size)).readUTF();
            } else if (nuls == 0) {
                text = new String(bytes, start, size, StandardCharsets.ISO_8859_1);
            } else {
                byte[] latin1 = new byte[size - nuls];
                int to = 0;
                for (int from = start; from < end; from += bytes[from] == (byte) 0xC0 ? 2 : 1) {
                    latin1[to++] = bytes[from] == (byte) 0xC0 ? 0 : bytes[from];
                }
                text = new String(latin1, StandardCharsets.ISO_8859_1);
            }
            position = end;
            return text;
        }

        private void require(int count) throws EOFException {
            if (position + count > length) {
                throw new EOFException("record shorter than its content");
            }
        }
    }

    /** Records that {@code key} now has {@code value}; durable after the next {@link #commit()}. */
    public void put(String key, String value) {
        append(PUT, key, value);
    }

    /** Records that {@code key} is gone; durable after the next {@link #commit()}. */
    public void remove(String key) {
        append(REMOVE, key, null);
    }

    /** Drops the updates not yet committed. */
    public void discardPending() {
        pending.reset();
    }

    private void append(byte op, String key, String value) {
        try {
            ByteArrayOutputStream payload = new ByteArrayOutputStream(64 + key.length());
            DataOutputStream out = new DataOutputStream(payload);
            out.writeByte(op);
            out.writeUTF(key);
            if (value != null) {
                out.writeUTF(value);
            }
            CRC32C crc = new CRC32C();
            byte[] bytes = payload.toByteArray();
            crc.update(bytes);
            DataOutputStream framed = new DataOutputStream(pending);
            framed.writeInt(bytes.length);
            framed.writeInt((int) crc.getValue());
            framed.write(bytes);
            records++;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // Writing to memory does not fail.
        }
    }

    /** Writes and fsyncs the pending updates. */
    public void commit() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        long end = channel.position();
        ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            // A full disk may have taken part of the records: cut them off, so the next commit
            // does not append after a torn record (replay would stop there and lose what follows).
            try {
                channel.truncate(end);
                channel.position(end);
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
        pending.reset();
    }

    /**
     * Commits, then rewrites the log from {@code live} if it has grown well past the number of
     * live keys, so replay time and disk use stay proportional to the live state.
     */
    public void commitAndCompact(long liveCount, Iterable<Map.Entry<String, String>> live) throws IOException {
        commit();
        if (records <= 2 * liveCount + COMPACTION_SLACK) {
            return;
        }
        Path temp = file.resolveSibling(file.getFileName() + ".compact");
        records = 0;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            Iterator<Map.Entry<String, String>> entries = live.iterator();
            while (entries.hasNext()) {
                Map.Entry<String, String> entry = entries.next();
                put(entry.getKey(), entry.getValue());
                if (pending.size() > (1 << 20) || !entries.hasNext()) {
                    flushTo(out);
                }
            }
            flushTo(out);
            out.force(false);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(file.toAbsolutePath().getParent());
        channel.close();
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.position(channel.size());
    }

    private void flushTo(FileChannel out) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        pending.reset();
    }

    /** Makes a directory's entries (a rename or a new file in it) durable. */
    public static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
