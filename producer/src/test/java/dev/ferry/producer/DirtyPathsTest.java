package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The watcher's reports are released as one batch once the watcher has been silent for a moment. */
class DirtyPathsTest {

    private final DirtyPaths dirty = new DirtyPaths(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void aBurstOfChangesBecomesOneBatchOnceTheWatcherFallsSilent() throws Exception {
        dirty.add(Path.of("/src/a"));
        dirty.add(Path.of("/src/b"));
        dirty.add(Path.of("/src/a"));

        assertThat(dirty.await(Duration.ZERO)).isEqualTo(DirtyPaths.Batch.NONE); // Not settled yet.
        DirtyPaths.Batch batch = dirty.await(Duration.ofSeconds(5));

        assertThat(batch.paths()).containsExactly(Path.of("/src/a"), Path.of("/src/b"));
        assertThat(dirty.await(Duration.ofMillis(10))).isEqualTo(DirtyPaths.Batch.NONE);
    }

    @Test
    void tooManyChangesBecomeAComparisonOfEverything() throws Exception {
        for (int i = 0; i <= DirtyPaths.MAX_PATHS; i++) {
            dirty.add(Path.of("/src/f" + i));
        }

        DirtyPaths.Batch batch = dirty.await(Duration.ofSeconds(5));

        assertThat(batch.everything()).isTrue();
        assertThat(batch.paths()).isEmpty();
    }

    @Test
    void aBatchEndingInAWritersCloseIsReleasedSooner() throws Exception {
        long[] now = {0};
        DirtyPaths timed = new DirtyPaths(Duration.ofMillis(50), Duration.ofSeconds(1), () -> now[0]);
        Path written = Path.of("/src/written");

        timed.add(written); // The write, as the directory watcher reports it.
        timed.addClosed(written);
        timed.add(written); // The directory watcher's report of the same write, late: no new change.
        now[0] = DirtyPaths.CLOSE_SETTLE.toNanos();
        assertThat(timed.await(Duration.ZERO).paths()).containsExactly(written);

        timed.addClosed(written);
        timed.add(Path.of("/src/other")); // A change of another path may be half of a rename: it settles fully.
        now[0] += DirtyPaths.CLOSE_SETTLE.toNanos();
        assertThat(timed.await(Duration.ZERO)).isEqualTo(DirtyPaths.Batch.NONE);
        now[0] += DirtyPaths.SETTLE.toNanos();
        assertThat(timed.await(Duration.ZERO).paths()).containsExactly(written, Path.of("/src/other"));

        timed.add(written);
        now[0] += DirtyPaths.CLOSE_SETTLE.toNanos();
        assertThat(timed.await(Duration.ZERO)).as("no close: the full settle").isEqualTo(DirtyPaths.Batch.NONE);
    }

    @Test
    void stoppingWakesAWaiterAtOnce() throws Exception {
        dirty.add(Path.of("/src/a"));
        dirty.stop();

        long started = System.nanoTime();
        assertThat(dirty.await(Duration.ofSeconds(5))).isEqualTo(DirtyPaths.Batch.NONE);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }
}
