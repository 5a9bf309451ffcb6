package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;

/** Waiting, bounded, for a destination to become the mirror of its source. */
final class Convergence {

    private static final Duration POLL = Duration.ofMillis(200);

    private Convergence() {
    }

    /**
     * Returns once {@code destination} equals {@code source} (see {@link TreeSnapshot}). Fails at
     * once if one of the {@code running} processes exits, and after {@code timeout} with the
     * remaining differences and the tails of the processes' logs.
     */
    static void await(Path source, Path destination, Duration timeout, FerryProcess... running) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastReport;
        do {
            failIfOneExited(running);
            // Hash only trees whose shapes already agree: hashing a large file on every poll
            // would compete for the CPU with the very processes we wait for.
            TreeSnapshot expected = TreeSnapshot.shapeOf(source);
            TreeSnapshot actual = TreeSnapshot.shapeOf(destination);
            if (actual.equals(expected)) {
                expected = TreeSnapshot.of(source);
                actual = TreeSnapshot.of(destination);
                if (actual.equals(expected)) {
                    return;
                }
            }
            lastReport = actual.differenceReport(expected);
            pause();
        } while (System.nanoTime() < deadline);
        fail("%s did not converge to %s within %s%n%s%s",
                destination, source, timeout, lastReport, logTails(running));
    }

    private static void failIfOneExited(FerryProcess... running) {
        for (FerryProcess process : running) {
            if (!process.isAlive()) {
                fail("%s exited while the destination was converging%n%s", process.name(), logTails(running));
            }
        }
    }

    private static String logTails(FerryProcess... processes) {
        StringBuilder tails = new StringBuilder();
        for (FerryProcess process : processes) {
            tails.append(process.logTail());
        }
        return tails.toString();
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while awaiting convergence", e);
        }
    }
}
