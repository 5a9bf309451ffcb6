package dev.ferry.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's statistics of queues ({@code T}: one queue's, or a whole stream's), asked for when a
 * scrape wants them and kept for a while, so scrapes cost the broker at most one round of queries
 * every few seconds. A scrape never waits longer than a bound: a broker slow to answer leaves the
 * previous answer (while it is recent) or none.
 */
final class CachedQueueStatus<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CachedQueueStatus.class);

    static final Duration FRESH = Duration.ofSeconds(5);
    static final Duration WAIT = Duration.ofSeconds(2);
    static final Duration STALE = Duration.ofMinutes(1);

    private record Answer<T>(T status, Instant at) {
    }

    private final Callable<T> query;
    private final Clock clock;
    private final ExecutorService asker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "ferry-queue-statistics");
        thread.setDaemon(true);
        return thread;
    });
    private Answer<T> latest; // Guarded by this.
    private Future<T> asking; // Guarded by this.

    CachedQueueStatus(Callable<T> query, Clock clock) {
        this.query = query;
        this.clock = clock;
    }

    /** The statistics, or {@code null} when the broker has not answered lately. */
    synchronized T get() {
        Instant now = clock.instant();
        if (latest != null && Duration.between(latest.at(), now).compareTo(FRESH) < 0) {
            return latest.status();
        }
        if (asking == null) {
            asking = asker.submit(query);
        }
        try {
            T status = asking.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            asking = null;
            latest = new Answer<>(status, clock.instant());
            return status;
        } catch (TimeoutException slow) {
            log.debug("the broker did not answer a statistics query within {} ms", WAIT.toMillis());
        } catch (ExecutionException failed) {
            asking = null;
            log.debug("statistics query failed: {}", failed.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return latest != null && Duration.between(latest.at(), now).compareTo(STALE) < 0 ? latest.status() : null;
    }

    @Override
    public void close() {
        asker.shutdownNow();
    }
}
