package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The consumer's staging area, {@code DST/.ferry/staging}, seen from outside: where a file body
 * grows as {@code <seq>-<path hash>.part} before it is moved into place. Crash tests use it to
 * strike while a body is half there, and to check that nothing is left behind once idle.
 */
final class Staging {

    private static final Duration POLL = Duration.ofMillis(50);

    private Staging() {
    }

    static Path of(Path destination) {
        return destination.resolve(TreeSnapshot.RESERVED).resolve("staging");
    }

    /** The sizes of the bodies being assembled, by file name; empty when there is no staging area yet. */
    static Map<String, Long> parts(Path destination) {
        Map<String, Long> parts = new TreeMap<>();
        for (Path entry : entries(destination)) {
            String name = entry.getFileName().toString();
            if (name.endsWith(".part")) {
                try {
                    parts.put(name, Files.size(entry));
                } catch (NoSuchFileException vanished) {
                    // Moved into place or discarded while we looked.
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the size of " + entry, e);
                }
            }
        }
        return parts;
    }

    /**
     * Waits until a body of at least {@code atLeast} bytes is staged and seen to grow: the consumer
     * is then in the middle of writing it. Fails if one of the {@code running} processes exits or
     * {@code timeout} passes first.
     */
    static void awaitGrowingPart(Path destination, long atLeast, Duration timeout, FerryProcess... running) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> before = Map.of();
        while (System.nanoTime() < deadline) {
            for (FerryProcess process : running) {
                if (!process.isAlive()) {
                    fail("%s exited while waiting for a body to grow in %s%n%s", process.name(),
                            of(destination), process.logTail());
                }
            }
            Map<String, Long> now = parts(destination);
            for (Map.Entry<String, Long> part : now.entrySet()) {
                Long earlier = before.get(part.getKey());
                if (part.getValue() >= atLeast && earlier != null && part.getValue() > earlier) {
                    return;
                }
            }
            before = now;
            pause();
        }
        fail("no body of at least %d bytes grew in %s within %s; staged: %s", atLeast, of(destination), timeout,
                parts(destination));
    }

    /**
     * Waits up to {@code timeout} for the staging area to hold nothing, then fails with what it holds:
     * for a mirror whose repair may still be sending bodies of files that live changes already made
     * equal, so that the trees are equal while a body is on its way.
     */
    static void awaitEmpty(Path destination, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!entries(destination).isEmpty() && System.nanoTime() < deadline) {
            pause();
        }
        assertEmpty(destination);
    }

    /** Fails unless the staging area holds nothing: no body, finished or abandoned, and no scratch file. */
    static void assertEmpty(Path destination) {
        assertThat(entries(destination)).as("what is left in the staging area %s", of(destination)).isEmpty();
    }

    private static List<Path> entries(Path destination) {
        Path staging = of(destination);
        if (!Files.isDirectory(staging)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(staging)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + staging, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while watching the staging area", e);
        }
    }
}
