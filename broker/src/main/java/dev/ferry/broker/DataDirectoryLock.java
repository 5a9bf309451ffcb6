package dev.ferry.broker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Proof that this broker alone uses its data directory, held while it runs.
 *
 * <p>KahaDB has a lock of its own, but a broker that fails to take it logs a stack trace before
 * giving up; taking this one first turns a second broker on the same data into one plain error, or,
 * for a standby ({@link #await}), into a quiet wait that binds no port until the directory is free.
 */
final class DataDirectoryLock implements AutoCloseable {

    private final FileChannel channel;

    private DataDirectoryLock(FileChannel channel) {
        this.channel = channel;
    }

    static DataDirectoryLock acquire(Path dataDir) throws IOException {
        DataDirectoryLock lock = tryAcquire(dataDir);
        if (lock == null) {
            throw new IOException(inUse(dataDir));
        }
        return lock;
    }

    /**
     * Waits until no other broker holds {@code dataDir}, asking every {@code poll}, and takes it: a
     * standby's wait. The lock is an {@code fcntl} lock, which the kernel frees the moment its
     * holder dies, even by kill -9 (on NFSv4, when the dead host's lease expires).
     *
     * @param firstWait run once, when the first attempt finds the directory held
     * @param abort     counted down to give up waiting
     * @throws InterruptedException when {@code abort} was counted down, or the thread interrupted, first
     */
    static DataDirectoryLock await(Path dataDir, Duration poll, Runnable firstWait, CountDownLatch abort)
            throws IOException, InterruptedException {
        boolean waited = false;
        while (true) {
            DataDirectoryLock lock = tryAcquire(dataDir);
            if (lock != null) {
                return lock;
            }
            if (!waited) {
                waited = true;
                firstWait.run();
            }
            if (abort.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("stopped waiting for broker data directory " + dataDir);
            }
        }
    }

    /** The message of a data directory another broker holds. */
    static String inUse(Path dataDir) {
        return "broker data directory " + dataDir + " is in use by another broker";
    }

    private static DataDirectoryLock tryAcquire(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve("broker.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return new DataDirectoryLock(channel);
    }

    /** Releases the lock; closing the channel releases it. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
