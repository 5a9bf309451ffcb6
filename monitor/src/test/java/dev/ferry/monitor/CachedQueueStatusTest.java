package dev.ferry.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.broker.QueueStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedQueueStatusTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void scrapesWithinAFewSecondsShareOneQuery() {
        MutableClock clock = new MutableClock(T0);
        AtomicInteger queries = new AtomicInteger();
        try (CachedQueueStatus<QueueStatus> cache = new CachedQueueStatus<>(
                () -> new QueueStatus("q", queries.incrementAndGet(), 0, 0), clock)) {
            assertThat(cache.get().waiting()).isEqualTo(1);
            clock.advance(CachedQueueStatus.FRESH.minusMillis(1));
            assertThat(cache.get().waiting()).isEqualTo(1);
            clock.advance(Duration.ofMillis(1));
            assertThat(cache.get().waiting()).isEqualTo(2);
        }
    }

    @Test
    void aBrokerSlowToAnswerCostsAScrapeAtMostTheWaitAndLeavesTheLastAnswer() throws Exception {
        MutableClock clock = new MutableClock(T0);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger queries = new AtomicInteger();
        try (CachedQueueStatus<QueueStatus> cache = new CachedQueueStatus<>(() -> {
            if (queries.incrementAndGet() > 1) {
                release.await(30, TimeUnit.SECONDS);
            }
            return new QueueStatus("q", queries.get(), 0, 0);
        }, clock)) {
            assertThat(cache.get().waiting()).isEqualTo(1);
            clock.advance(CachedQueueStatus.FRESH);

            long started = System.nanoTime();
            QueueStatus stale = cache.get();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CachedQueueStatus.WAIT.plusSeconds(2));
            assertThat(stale.waiting()).as("the last answer, still recent").isEqualTo(1);
            clock.advance(CachedQueueStatus.STALE);
            assertThat(cache.get()).as("too old to show").isNull();
            release.countDown();
        }
    }
}
