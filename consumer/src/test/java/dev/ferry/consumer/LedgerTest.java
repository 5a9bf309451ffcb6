package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.journal.Journal;
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
    void rollbackBringsBackTheMarksASubtreeMarkRemovedBelowIt() throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger"))) {
            ledger.recordNode(RelPath.of("d/e/deep"), 5);
            ledger.recordNode(RelPath.of("d/near"), 6);
            ledger.recordNode(RelPath.of("d/newer"), 40);
            ledger.commit();
            ledger.recordSubtree(RelPath.of("d"), 30);
            assertThat(ledger.size()).as("d, and the newer mark below it").isEqualTo(2);

            ledger.rollback();

            assertThat(ledger.size()).isEqualTo(3);
            assertThat(ledger.isStale(RelPath.of("d/e/deep"), 5)).isTrue();
            assertThat(ledger.isStale(RelPath.of("d/e/deep"), 6)).isFalse();
            assertThat(ledger.isStale(RelPath.of("d/near"), 7)).isFalse();
            assertThat(ledger.isStale(RelPath.of("d/newer"), 40)).isTrue();
        }
    }

    @Test
    void subtreeMarksSurviveCompactionAndAReopen() throws Exception {
        Path file = dir.resolve("ledger");
        try (Ledger ledger = Ledger.open(file)) {
            ledger.recordSubtree(RelPath.of("gone/été"), 50);
            for (int seq = 51; seq <= 30_000; seq++) {
                ledger.recordNode(RelPath.of("f" + (seq % 10)), seq);
            }
            ledger.commit();
        }
        assertThat(file.toFile().length()).as("compacted").isLessThan(100_000);
        try (Ledger reopened = Ledger.open(file)) {
            assertThat(reopened.isStale(RelPath.of("gone/été/x/y"), 49)).as("below a subtree mark").isTrue();
            assertThat(reopened.isStale(RelPath.of("gone/été/x/y"), 51)).isFalse();
            assertThat(reopened.isStale(RelPath.of("gone/other"), 1)).as("beside it").isFalse();
        }
    }

    @Test
    void aRecordedNumberUnderOneIsNoMark() throws Exception {
        Path file = dir.resolve("ledger");
        try (Journal journal = Journal.open(file, (key, value) -> { })) {
            journal.put("zero", "N0");
            journal.put("negative", "T-5");
            journal.put("kept", "N3");
            journal.commit();
        }
        try (Ledger ledger = Ledger.open(file)) {
            assertThat(ledger.size()).isEqualTo(1);
            assertThat(ledger.isStale(RelPath.of("zero"), 1)).isFalse();
            assertThat(ledger.isStale(RelPath.of("negative/below"), 1)).isFalse();
            assertThat(ledger.isStale(RelPath.of("kept"), 3)).isTrue();
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

    @Test
    void theNextNumberOfAStreamIsNextATakenOneAgainALaterOneAGapAndAnotherStreamIsNew() throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger"))) {
            assertThat(ledger.follow("s", 500)).as("the first a mirror takes, whatever its number")
                    .isEqualTo(StreamPosition.Step.FIRST);
            assertThat(ledger.follow("s", 501)).isEqualTo(StreamPosition.Step.NEXT);
            assertThat(ledger.follow("s", 501)).isEqualTo(StreamPosition.Step.AGAIN);
            assertThat(ledger.follow("s", 400)).isEqualTo(StreamPosition.Step.AGAIN);
            assertThat(ledger.position()).as("never back").isEqualTo(new StreamPosition("s", 501));
            assertThat(ledger.repairWanted()).isFalse();

            assertThat(ledger.follow("s", 504)).isEqualTo(StreamPosition.Step.GAP);
            assertThat(ledger.repairWanted()).isTrue();
            assertThat(ledger.follow("s", 505)).isEqualTo(StreamPosition.Step.NEXT);

            ledger.wantRepair(false);
            assertThat(ledger.follow("t", 1)).isEqualTo(StreamPosition.Step.NEW_STREAM);
            assertThat(ledger.repairWanted()).isTrue();
            assertThat(ledger.position()).isEqualTo(new StreamPosition("t", 1));
        }
    }

    @Test
    void thePositionTheWantedRepairAndTheRepairInFlightAreCommittedWithTheMarksAndRolledBackWithThem()
            throws Exception {
        Path file = dir.resolve("ledger");
        try (Ledger ledger = Ledger.open(file)) {
            ledger.follow("s", 1);
            ledger.follow("s", 2);
            ledger.repairInFlight("r1");
            ledger.commit();

            ledger.follow("s", 9);
            ledger.repairInFlight(null);
            ledger.rollback();

            assertThat(ledger.position()).isEqualTo(new StreamPosition("s", 2));
            assertThat(ledger.repairWanted()).isFalse();
            assertThat(ledger.repairInFlight()).isEqualTo("r1");

            ledger.follow("s", 9);
            ledger.commit();
            ledger.follow("s", 10); // Not committed: a crash forgets it.
        }
        try (Ledger reopened = Ledger.open(file)) {
            assertThat(reopened.position()).isEqualTo(new StreamPosition("s", 9));
            assertThat(reopened.repairWanted()).as("the gap, committed, is not forgotten").isTrue();
            assertThat(reopened.repairInFlight()).isEqualTo("r1");
            assertThat(reopened.size()).as("no mark for the ledger's own records").isZero();

            reopened.wantRepair(false);
            reopened.repairInFlight(null);
            reopened.commit();
        }
        try (Ledger again = Ledger.open(file)) {
            assertThat(again.repairWanted()).isFalse();
            assertThat(again.repairInFlight()).isNull();
            assertThat(again.position()).isEqualTo(new StreamPosition("s", 9));
        }
    }

    @Test
    void compactionKeepsTheLedgersOwnRecords() throws Exception {
        Path file = dir.resolve("ledger");
        try (Ledger ledger = Ledger.open(file)) {
            ledger.follow("s", 1);
            ledger.follow("s", 3);
            ledger.repairInFlight("r1");
            for (int seq = 1; seq <= 30_000; seq++) {
                ledger.recordNode(RelPath.of("f" + (seq % 10)), seq);
            }
            ledger.commit();
        }
        assertThat(file.toFile().length()).as("compacted").isLessThan(100_000);
        try (Ledger reopened = Ledger.open(file)) {
            assertThat(reopened.position()).isEqualTo(new StreamPosition("s", 3));
            assertThat(reopened.repairWanted()).isTrue();
            assertThat(reopened.repairInFlight()).isEqualTo("r1");
        }
    }
}
