package dev.ferry.consumer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The times the directories whose entries the replica changes in the current transaction had
 * before it touched them, written down before the first change to each and forgotten once the
 * transaction is durable ({@link #forget}, before the ledger commits it): a consumer killed in
 * between gives them back when it opens the replica again, and the transaction, delivered again,
 * does the rest. Without this, a directory would keep the time of the crash for good: the events
 * applied again give a directory back the time they find, and the event that set its time may
 * have been committed before.
 *
 * <p>One record per directory per transaction, each a single write at the end of the file, and one
 * truncation per transaction: a few system calls against the fsyncs of the transaction. Written,
 * not fsynced: what a killed process wrote, the kernel keeps. A power cut may still leave a
 * directory with the time of the cut. Each record carries its own CRC, so a record cut short or
 * garbled is read as the end of the list, and what cannot be read never stops the consumer from
 * starting.
 */
final class DirectoryTimes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectoryTimes.class);

    /** A directory's modification and access times, both given back so that neither is read again. */
    record Times(FileTime modified, FileTime accessed) {
    }

    /** More than a transaction writes down; what is past it is not read. */
    private static final long MAX_LEFT_OVER = 64L * 1024 * 1024;
    /** Far above any path Linux can name (PATH_MAX is 4,096 bytes): a longer length is garbage. */
    private static final int MAX_PATH_BYTES = 64 * 1024;
    /** The path's length, the two times and the CRC around the path's bytes. */
    private static final int RECORD_OVERHEAD = Integer.BYTES + 2 * Long.BYTES + Integer.BYTES;

    private final Path root;
    private final FileChannel file;
    private final Set<Path> remembered = new HashSet<>();
    private long end; // Where the next record goes.

    private DirectoryTimes(Path root, FileChannel file) throws IOException {
        this.root = root;
        this.file = file;
        this.end = file.size(); // Emptied by the first forget(), once what is left over was given back.
    }

    /** Opens the record at {@code file} of the directories under {@code root}. */
    static DirectoryTimes open(Path root, Path file) throws IOException {
        return new DirectoryTimes(root, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    /**
     * The times left written down by a consumer that stopped before its transaction was durable, by
     * directory, the earliest written for each (what it had before the transaction). Read up to the
     * first record that is cut short or garbled. Call it before any change, then {@link #forget}.
     */
    Map<Path, Times> leftOver() throws IOException {
        ByteBuffer records = ByteBuffer.allocate((int) Math.min(file.size(), MAX_LEFT_OVER));
        while (records.hasRemaining() && file.read(records, records.position()) > 0) {
            // Read on: a read may return less than there is.
        }
        records.flip();
        Map<Path, Times> left = new LinkedHashMap<>();
        while (records.remaining() >= RECORD_OVERHEAD) {
            int start = records.position();
            int length = records.getInt();
            if (length < 0 || length > MAX_PATH_BYTES
                    || records.remaining() < length + RECORD_OVERHEAD - Integer.BYTES) {
                break; // Cut short by the kill (it was written before any change it covers), or garbled.
            }
            byte[] path = new byte[length];
            records.get(path);
            long modified = records.getLong();
            long accessed = records.getLong();
            CRC32C crc = new CRC32C();
            crc.update(records.array(), start, records.position() - start);
            if ((int) crc.getValue() != records.getInt()) {
                log.warn("ignoring the directory times in {} from byte {} on: garbled", root, start);
                break;
            }
            try {
                left.putIfAbsent(root.resolve(new String(path, StandardCharsets.UTF_8)),
                        new Times(nanos(modified), nanos(accessed)));
            } catch (InvalidPathException e) {
                log.warn("ignoring the times of a directory of {} that cannot be named: {}", root, e.getMessage());
            }
        }
        return left;
    }

    /**
     * Writes down that {@code directory} had {@code times} before the change that comes next,
     * unless it was written down earlier in this transaction (those times are the ones to give back).
     */
    void remember(Path directory, Times times) throws IOException {
        if (!remembered.add(directory)) {
            return;
        }
        byte[] path = root.relativize(directory).toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer record = ByteBuffer.allocate(path.length + RECORD_OVERHEAD);
        record.putInt(path.length).put(path).putLong(times.modified().to(TimeUnit.NANOSECONDS))
                .putLong(times.accessed().to(TimeUnit.NANOSECONDS));
        CRC32C crc = new CRC32C();
        crc.update(record.array(), 0, record.position());
        record.putInt((int) crc.getValue()).flip();
        long at = end;
        try {
            while (record.hasRemaining()) {
                at += file.write(record, at);
            }
        } catch (IOException e) {
            remembered.remove(directory);
            try {
                file.truncate(end); // Part of a record would hide the ones written after it.
            } catch (IOException truncating) {
                e.addSuppressed(truncating);
            }
            throw e;
        }
        end = at;
    }

    /** The transaction is durable: what was written down for it is not needed any more. */
    void forget() throws IOException {
        remembered.clear();
        if (end > 0) {
            file.truncate(0);
            end = 0;
        }
    }

    private static FileTime nanos(long nanos) {
        return FileTime.from(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
