package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.RelPath;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

    @TempDir
    Path dir;

    @Test
    void anEventIsStaleWhenItsPathSawTheSameOrANewerOne() throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger"))) {
            ledger.recordNode(RelPath.of("a.txt"), 10);

            assertThat(ledger.isStale(RelPath.of("a.txt"), 9)).isTrue();
            assertThat(ledger.isStale(RelPath.of("a.txt"), 10)).isTrue();
            assertThat(ledger.isStale(RelPath.of("a.txt"), 11)).isFalse();
            assertThat(ledger.isStale(RelPath.of("b.txt"), 1)).isFalse();
        }
    }

    @Test
    void aDeletedDirectoryMakesOlderEventsBelowItStaleButNotNewerOnes() throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger"))) {
            ledger.recordNode(RelPath.of("d/x"), 5);
            ledger.recordSubtree(RelPath.of("d"), 20);

            assertThat(ledger.isStale(RelPath.of("d/x"), 15)).isTrue();
            assertThat(ledger.isStale(RelPath.of("d/deeper/y"), 19)).isTrue();
            assertThat(ledger.isStale(RelPath.of("d/x"), 21)).isFalse();
            assertThat(ledger.isStale(RelPath.of("dx"), 1)).as("a sibling with a common prefix").isFalse();
        }
    }

    @Test
    void aDirectoryMetadataEventDoesNotMakeItsChildrenStale() throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger"))) {
            ledger.recordNode(RelPath.of("d"), 30);

            assertThat(ledger.isStale(RelPath.of("d/x"), 25)).isFalse();
        }
    }

    @Test
    void committedMarksSurviveAReopenAndUncommittedOnesDoNot() throws Exception {
        Path file = dir.resolve("ledger");
        try (Ledger ledger = Ledger.open(file)) {
            ledger.recordNode(RelPath.of("kept"), 7);
            ledger.commit();
            ledger.recordNode(RelPath.of("lost"), 8);
        }
        try (Ledger reopened = Ledger.open(file)) {
            assertThat(reopened.isStale(RelPath.of("kept"), 7)).isTrue();
            assertThat(reopened.isStale(RelPath.of("lost"), 8)).isFalse();
        }
    }

    @Test
    void rollbackForgetsWhatWasNotCommitted() throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger"))) {
            ledger.recordNode(RelPath.of("kept"), 7);
            ledger.commit();
            ledger.recordSubtree(RelPath.of("kept"), 9);
            ledger.rollback();

            assertThat(ledger.isStale(RelPath.of("kept"), 8)).isFalse();
            assertThat(ledger.isStale(RelPath.of("kept"), 7)).isTrue();
        }
    }

    @Test
    void compactionKeepsTheLiveMarks() throws Exception {
        Path file = dir.resolve("ledger");
        try (Ledger ledger = Ledger.open(file)) {
            for (int seq = 1; seq <= 30_000; seq++) {
                ledger.recordNode(RelPath.of("f" + (seq % 10)), seq);
            }
            ledger.commit();
        }
        assertThat(file.toFile().length()).as("compacted to the 10 live paths").isLessThan(100_000);
        try (Ledger reopened = Ledger.open(file)) {
            assertThat(reopened.size()).isEqualTo(10);
            assertThat(reopened.isStale(RelPath.of("f0"), 30_000)).isTrue();
            assertThat(reopened.isStale(RelPath.of("f1"), 29_992)).isFalse();
        }
    }
}
