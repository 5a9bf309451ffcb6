package dev.ferry.broker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Proof that this broker alone uses its data directory, held while it runs.
 *
 * <p>KahaDB has a lock of its own, but a broker that fails to take it logs a stack trace before
 * giving up; taking this one first turns a second broker on the same data into one plain error.
 */
final class DataDirectoryLock implements AutoCloseable {

    private final FileChannel channel;

    private DataDirectoryLock(FileChannel channel) {
        this.channel = channel;
    }

    static DataDirectoryLock acquire(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve("broker.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("broker data directory " + dataDir + " is in use by another broker");
        }
        return new DataDirectoryLock(channel);
    }

    /** Releases the lock; closing the channel releases it. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
