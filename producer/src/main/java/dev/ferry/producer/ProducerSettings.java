package dev.ferry.producer;

import dev.ferry.ignore.IgnoreSettings;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.seal.Seal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * How a producer publishes one source tree: validated once, here, with a message naming the bad
 * value.
 *
 * @param source        the directory to publish (stored as its real path)
 * @param stateDir      where the producer keeps its index; neither inside {@code source} nor
 *                      containing it, since nothing may be written into the source tree
 * @param queue         the stream to publish, named by its queue name: events go to its topic
 *                      ({@link WireFormat#changeTopicOf})
 * @param mirrors       the mirrors whose queues the producer makes sure exist whenever it connects,
 *                      so they receive every event from the first, even before their consumer ever
 *                      ran ({@link MirrorQueues}); a mirror not named receives what is published
 *                      once its queue exists. Validated names, without repeats.
 * @param quietPeriod   how long a file must have been left alone before it is read, unless its
 *                      writer was seen closing it (issue 21), and at most how long the watcher
 *                      waits for a burst of changes to end
 * @param chunkBytes    the largest file body one message carries
 * @param batchMessages how many events one broker transaction holds at most (small files travel
 *                      many to a message, see {@link SmallFileBundle})
 * @param batchBytes    how many body bytes one broker transaction holds, roughly, at most
 * @param ignore        which paths of the source are neither published nor deleted
 * @param observer      who is told what the producer does (metrics, heartbeats, progress)
 * @param rescanInterval how often a directory the watcher cannot watch (the inotify watch limit
 *                      reached, permission denied) is compared with what was published, with its subtree
 * @param seal          how messages are signed and encrypted ({@code --signing-key}, {@code --encrypt-key}),
 *                      and which repair requests are taken
 */
public record ProducerSettings(Path source, Path stateDir, String queue, List<String> mirrors, Duration quietPeriod,
                               int chunkBytes, int batchMessages, long batchBytes, IgnoreSettings ignore,
                               ProducerObserver observer, Duration rescanInterval, Seal seal) {

    public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofMillis(50);
    /**
     * A directory that cannot be watched costs a comparison of its subtree each time: once a minute
     * is Syncthing's choice for folders it cannot watch either, and well below the hour of its full rescans.
     */
    public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(60);
    /**
     * A message costs the producer, the broker and the consumer some work whatever it carries, and
     * the broker's store copies each body several times: measured on bench scenario 3's transfer
     * (1 GiB, separate processes over TCP, 2 cores, alternated, with the broker's queue memory at
     * 64 MiB), 512 KiB chunks took 9.3 s median (broker CPU 5.0 s) against 10.5 s (5.8 s) for
     * 256 KiB; 1 MiB chunks gained nothing more (10.4 s, 5.4 s). The consumer's prefetch keeps the
     * bytes in flight the same ({@code Consumer.PREFETCH}).
     */
    public static final int DEFAULT_CHUNK_BYTES = 512 * 1024;
    /**
     * Few commits for many small files: each costs the broker an fsync and the index one more.
     * Measured on scenario 1 of bench/ (10,000 files of 4 KiB): 42 commits of 256 events took 2.8 s
     * of the producer's wait; the 8 MiB limit keeps the broker's open transaction small anyway.
     */
    public static final int DEFAULT_BATCH_MESSAGES = 4096;
    public static final long DEFAULT_BATCH_BYTES = 8L * 1024 * 1024;

    public ProducerSettings {
        Objects.requireNonNull(source, "source directory");
        Objects.requireNonNull(stateDir, "state directory");
        Objects.requireNonNull(queue, "queue");
        mirrors = List.copyOf(new LinkedHashSet<>(mirrors));
        mirrors.forEach(WireFormat::checkMirrorName);
        Objects.requireNonNull(quietPeriod, "quiet period");
        Objects.requireNonNull(ignore, "ignore settings");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(rescanInterval, "rescan interval");
        Objects.requireNonNull(seal, "seal");
        if (rescanInterval.isNegative() || rescanInterval.isZero()) {
            throw new IllegalArgumentException("rescan interval is not positive: " + rescanInterval);
        }
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

    /**
     * Settings for mirror {@link WireFormat#DEFAULT_MIRROR} with the default ignore rules
     * ({@link IgnoreSettings#DEFAULTS}) that nobody observes.
     */
    public ProducerSettings(Path source, Path stateDir, String queue, Duration quietPeriod,
                            int chunkBytes, int batchMessages, long batchBytes) {
        this(source, stateDir, queue, List.of(WireFormat.DEFAULT_MIRROR), quietPeriod, chunkBytes, batchMessages,
                batchBytes, IgnoreSettings.DEFAULTS, ProducerObserver.NONE, DEFAULT_RESCAN_INTERVAL, Seal.none(queue));
    }

    /** The same settings keeping the queues of {@code names} (see {@link #mirrors()}). */
    public ProducerSettings withMirrors(List<String> names) {
        return new ProducerSettings(source, stateDir, queue, names, quietPeriod, chunkBytes, batchMessages, batchBytes,
                ignore, observer, rescanInterval, seal);
    }

    /** The same settings with transactions of at most {@code events} events. */
    public ProducerSettings withBatchMessages(int events) {
        return new ProducerSettings(source, stateDir, queue, mirrors, quietPeriod, chunkBytes, events, batchBytes,
                ignore, observer, rescanInterval, seal);
    }

    /** The same settings, observed by {@code observer}. */
    public ProducerSettings withObserver(ProducerObserver observer) {
        return new ProducerSettings(source, stateDir, queue, mirrors, quietPeriod, chunkBytes, batchMessages, batchBytes,
                ignore, observer, rescanInterval, seal);
    }

    /**
     * Settings for mirror {@link WireFormat#DEFAULT_MIRROR} with the default quiet period (50 ms),
     * chunk size (512 KiB), batch limits (4,096 events, 8 MiB) and ignore rules.
     */
    public static ProducerSettings defaults(Path source, Path stateDir, String queue) {
        return new ProducerSettings(source, stateDir, queue, DEFAULT_QUIET_PERIOD, DEFAULT_CHUNK_BYTES,
                DEFAULT_BATCH_MESSAGES, DEFAULT_BATCH_BYTES);
    }

    /** These settings, comparing directories the watcher cannot watch every {@code interval}. */
    public ProducerSettings withRescanInterval(Duration interval) {
        return new ProducerSettings(source, stateDir, queue, mirrors, quietPeriod, chunkBytes, batchMessages, batchBytes,
                ignore, observer, interval, seal);
    }

    /** These settings, reading a file whose writer's close was not seen once it has been left alone for {@code period}. */
    public ProducerSettings withQuietPeriod(Duration period) {
        return new ProducerSettings(source, stateDir, queue, mirrors, period, chunkBytes, batchMessages, batchBytes,
                ignore, observer, rescanInterval, seal);
    }

    /** These settings, sealing messages with {@code how} (which must be of this stream). */
    public ProducerSettings withSeal(Seal how) {
        return new ProducerSettings(source, stateDir, queue, mirrors, quietPeriod, chunkBytes, batchMessages, batchBytes,
                ignore, observer, rescanInterval, how);
    }

    /** These settings with other ignore rules. */
    public ProducerSettings withIgnore(IgnoreSettings rules) {
        return new ProducerSettings(source, stateDir, queue, mirrors, quietPeriod, chunkBytes, batchMessages, batchBytes,
                rules, observer, rescanInterval, seal);
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
