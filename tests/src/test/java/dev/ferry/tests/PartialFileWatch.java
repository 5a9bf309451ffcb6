package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Looks at a file's final path over and over, on a thread of its own, while a test runs: whenever
 * the file is there, it must be whole (its final size). A file that is visible before all its
 * bytes arrived breaks Ferry's promise of atomic visibility.
 *
 * <pre>{@code
 * try (PartialFileWatch watch = PartialFileWatch.start(destination.resolve("large.bin"), size)) {
 *     ... crash and restart the consumer, await convergence ...
 *     watch.assertNeverSeenPartial();
 * }
 * }</pre>
 */
final class PartialFileWatch implements AutoCloseable {

    private static final long POLL_MILLIS = 5;
    private static final int KEPT_SIGHTINGS = 10;

    private final Path file;
    private final long size;
    private final Thread watcher;
    private final List<String> partialSightings = new ArrayList<>();
    private final AtomicInteger looks = new AtomicInteger();
    private volatile boolean stopped;

    private PartialFileWatch(Path file, long size) {
        this.file = file;
        this.size = size;
        this.watcher = new Thread(this::watch, "partial-file-watch");
        this.watcher.setDaemon(true);
    }

    /** Starts watching {@code file}, which may only ever be seen with {@code size} bytes. */
    static PartialFileWatch start(Path file, long size) {
        PartialFileWatch watch = new PartialFileWatch(file, size);
        watch.watcher.start();
        return watch;
    }

    /** Stops watching, then fails if the file was ever seen at its final path with another size. */
    void assertNeverSeenPartial() {
        close();
        synchronized (partialSightings) {
            assertThat(partialSightings)
                    .as("sightings of %s with a size other than %d bytes, in %d looks", file, size, looks.get())
                    .isEmpty();
        }
        assertThat(looks.get()).as("looks at %s", file).isPositive();
    }

    @Override
    public void close() {
        stopped = true;
        try {
            watcher.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch() {
        while (!stopped) {
            look();
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void look() {
        looks.incrementAndGet();
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.size() != size || !attrs.isRegularFile()) {
                synchronized (partialSightings) {
                    if (partialSightings.size() < KEPT_SIGHTINGS) {
                        partialSightings.add((attrs.isRegularFile() ? "a file of " : "a non-file of ") + attrs.size()
                                + " bytes at " + Instant.now());
                    }
                }
            }
        } catch (NoSuchFileException notThereYet) {
            // Not there at all is allowed.
        } catch (IOException e) {
            synchronized (partialSightings) {
                partialSightings.add("unreadable: " + e);
            }
        }
    }
}
