package dev.ferry.consumer;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The times of the directories whose entries the replica is changing, written down before it
 * changes them and forgotten once it has given them back (see {@link ReplicaTree}): a consumer
 * killed in between gives them back when it opens the replica again. Without this, a directory
 * would keep the time of the crash for good: the event that set its time was applied and
 * acknowledged before, and the events applied again after the crash give it back the time they
 * find. Landing a batch of files gives their directories their times back only once the batch is
 * in place, so the window is as long as the landing.
 *
 * <p>Written, not fsynced: what a killed process wrote, the kernel keeps. A power cut may still
 * leave a directory with the time of the cut.
 */
final class DirectoryTimes implements AutoCloseable {

    /** A directory's modification and access times, both given back so that neither is read again. */
    record Times(FileTime modified, FileTime accessed) {
    }

    /** More than a landing of the largest batch writes down; what is past it is not read. */
    private static final long MAX_LEFT_OVER = 64L * 1024 * 1024;

    private final Path root;
    private final FileChannel file;
    private int outstanding; // Remembered and not given back yet; the file is emptied when none is.
    private boolean written;

    private DirectoryTimes(Path root, FileChannel file) {
        this.root = root;
        this.file = file;
    }

    /** Opens the record at {@code file} of the directories under {@code root}. */
    static DirectoryTimes open(Path root, Path file) throws IOException {
        return new DirectoryTimes(root, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    /**
     * The times left written down by a consumer that stopped before it gave them back, by
     * directory, the earliest written for each (what it had before the interrupted change); then
     * forgets them. Call it before any change.
     */
    Map<Path, Times> leftOver() throws IOException {
        ByteBuffer records = ByteBuffer.allocate((int) Math.min(file.size(), MAX_LEFT_OVER));
        while (records.hasRemaining() && file.read(records, records.position()) > 0) {
            // Read on: a read may return less than there is.
        }
        records.flip();
        Map<Path, Times> left = new LinkedHashMap<>();
        while (records.remaining() >= Integer.BYTES) {
            int length = records.getInt();
            if (length < 0 || records.remaining() < length + 2 * Long.BYTES) {
                break; // Cut short by the kill: it was written before any change it covers.
            }
            byte[] path = new byte[length];
            records.get(path);
            left.putIfAbsent(root.resolve(new String(path, StandardCharsets.UTF_8)),
                    new Times(nanos(records.getLong()), nanos(records.getLong())));
        }
        file.truncate(0);
        file.position(0);
        return left;
    }

    /** Writes down that {@code directory} had {@code times} before the change that comes next. */
    void remember(Path directory, Times times) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream record = new DataOutputStream(bytes);
        byte[] path = root.relativize(directory).toString().getBytes(StandardCharsets.UTF_8);
        record.writeInt(path.length);
        record.write(path);
        record.writeLong(times.modified().to(TimeUnit.NANOSECONDS));
        record.writeLong(times.accessed().to(TimeUnit.NANOSECONDS));
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        while (buffer.hasRemaining()) {
            file.write(buffer);
        }
        outstanding++;
        written = true;
    }

    /** One directory remembered got its times back; once all have, the record is emptied. */
    void givenBack() throws IOException {
        if (outstanding > 0 && --outstanding == 0) {
            empty();
        }
    }

    private void empty() throws IOException {
        if (written) {
            file.truncate(0);
            file.position(0);
            written = false;
        }
        outstanding = 0;
    }

    private static FileTime nanos(long nanos) {
        return FileTime.from(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
