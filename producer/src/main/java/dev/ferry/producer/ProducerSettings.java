package dev.ferry.producer;

import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a producer publishes one source tree: validated once, here, with a message naming the bad
 * value.
 *
 * @param source        the directory to publish (stored as its real path)
 * @param stateDir      where the producer keeps its index; neither inside {@code source} nor
 *                      containing it, since nothing may be written into the source tree
 * @param queue         the queue to publish on
 * @param quietPeriod   how long a file must have been left alone before it is read, and how long
 *                      the watcher waits for a burst of changes to end
 * @param chunkBytes    the largest file body one message carries
 * @param batchMessages how many messages one broker transaction holds at most
 * @param batchBytes    how many body bytes one broker transaction holds, roughly, at most
 * @param observer      who is told what the producer does (metrics, heartbeats, progress)
 */
public record ProducerSettings(Path source, Path stateDir, String queue, Duration quietPeriod,
                               int chunkBytes, int batchMessages, long batchBytes, ProducerObserver observer) {

    public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofMillis(50);
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;
    public static final int DEFAULT_BATCH_MESSAGES = 256;
    public static final long DEFAULT_BATCH_BYTES = 8L * 1024 * 1024;

    public ProducerSettings {
        Objects.requireNonNull(source, "source directory");
        Objects.requireNonNull(stateDir, "state directory");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(quietPeriod, "quiet period");
        Objects.requireNonNull(observer, "observer");
        if (!Files.isDirectory(source)) {
            throw new IllegalArgumentException("source " + source + " is not an existing directory");
        }
        source = realPath(source);
        stateDir = stateDir.toAbsolutePath().normalize();
        Path realState = realPathOfNearestExisting(stateDir);
        if (realState.startsWith(source)) {
            throw new IllegalArgumentException("state directory " + stateDir + " is inside the source "
                    + source + "; the producer never writes into the tree it publishes");
        }
        if (source.startsWith(realState)) {
            throw new IllegalArgumentException("source " + source + " is inside the state directory " + stateDir);
        }
        if (queue.isBlank()) {
            throw new IllegalArgumentException("queue name is empty");
        }
        if (quietPeriod.isNegative()) {
            throw new IllegalArgumentException("quiet period is negative: " + quietPeriod);
        }
        if (chunkBytes < 1 || chunkBytes > WireFormat.MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk size " + chunkBytes + " is not between 1 and "
                    + WireFormat.MAX_CHUNK_BYTES + " bytes");
        }
        if (batchMessages < 1) {
            throw new IllegalArgumentException("batch size " + batchMessages + " is not a positive number of messages");
        }
        if (batchBytes < 1) {
            throw new IllegalArgumentException("batch size " + batchBytes + " is not a positive number of bytes");
        }
    }

    /** Settings nobody observes. */
    public ProducerSettings(Path source, Path stateDir, String queue, Duration quietPeriod,
                            int chunkBytes, int batchMessages, long batchBytes) {
        this(source, stateDir, queue, quietPeriod, chunkBytes, batchMessages, batchBytes, ProducerObserver.NONE);
    }

    /** The same settings, observed by {@code observer}. */
    public ProducerSettings withObserver(ProducerObserver observer) {
        return new ProducerSettings(source, stateDir, queue, quietPeriod, chunkBytes, batchMessages, batchBytes,
                observer);
    }

    /** Settings with the default quiet period (50 ms), chunk size (256 KiB) and batch limits (256 messages, 8 MiB). */
    public static ProducerSettings defaults(Path source, Path stateDir, String queue) {
        return new ProducerSettings(source, stateDir, queue, DEFAULT_QUIET_PERIOD, DEFAULT_CHUNK_BYTES,
                DEFAULT_BATCH_MESSAGES, DEFAULT_BATCH_BYTES);
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }

    /** The real path of {@code path}, which need not exist yet: symlinks in its existing part are resolved. */
    private static Path realPathOfNearestExisting(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        return realPath(existing).resolve(existing.relativize(path));
    }
}
