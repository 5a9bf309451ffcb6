package dev.ferry.consumer;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a failure to apply means, and how long to wait before trying again.
 *
 * <p>A full disk, a read-only or unwritable destination are the environment's fault, not the
 * message's: the consumer stops, says so once, and retries with exponential backoff for as long as
 * it takes. Any other failure that repeats on the same message {@link #MAX_ATTEMPTS} times makes
 * that message poison, so one bad event cannot stall the queue forever.
 */
final class FailurePolicy {

    private static final Logger log = LoggerFactory.getLogger(FailurePolicy.class);

    static final int MAX_ATTEMPTS = 10;
    private static final Duration FIRST_DELAY = Duration.ofMillis(100);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final Clock clock;
    private int consecutive;
    private long failingSince;

    FailurePolicy(Clock clock) {
        this.clock = clock;
    }

    boolean isPoison(Exception e, int attempt) {
        return attempt >= MAX_ATTEMPTS && !isEnvironmental(e);
    }

    /** Notes a failure to {@code what} (e.g. "apply a/b.txt to /dst"); only the first of a run is a warning. */
    void failed(Exception e, String what) {
        if (consecutive == 0) {
            failingSince = clock.millis();
            log.warn("cannot {}: {}; retrying with backoff until it works", what, Consumer.describe(e));
        } else {
            log.debug("still failing to {}: {}", what, Consumer.describe(e));
        }
        consecutive++;
    }

    /** Notes that a transaction committed: a run of failures, if any, is over. */
    void succeeded() {
        if (consecutive > 0) {
            log.info("applying again after {} s of failures", (clock.millis() - failingSince) / 1000);
            consecutive = 0;
        }
    }

    /** Waits the current backoff delay, or less if a stop is requested. */
    void awaitBackoff(CountDownLatch stop) throws InterruptedException {
        long delay = Math.min(MAX_DELAY.toMillis(), FIRST_DELAY.toMillis() << Math.min(consecutive, 16));
        stop.await(delay, TimeUnit.MILLISECONDS);
    }

    static boolean isEnvironmental(Exception e) {
        if (e instanceof AccessDeniedException) {
            return true;
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            String reason = fs.getReason();
            return reason.contains("No space left") || reason.contains("Read-only file system")
                    || reason.contains("Disk quota exceeded") || reason.contains("Permission denied");
        }
        return e instanceof IOException io && io.getMessage() != null && io.getMessage().contains("No space left");
    }
}
