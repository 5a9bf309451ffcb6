package dev.ferry.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.RelPath;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: given the same paths changed again and again, a transaction at a time as the consumer
 * applies them, the ledger on disk stays bounded by the live paths, not by the history of changes,
 * and loads back with every live mark. (IndexChurnTest is the producer's side.)
 */
class LedgerChurnTest {

    private static final int PATHS = 200;
    /** 22,000 marks: more than twice the 10,400 records (twice the live marks plus 10,000) that compact it. */
    private static final int ROUNDS = 110;

    @TempDir
    Path dir;

    @Test
    void theLedgerOfPathsChangedManyTimesStaysBounded() throws Exception {
        Path file = dir.resolve("ledger");
        long largestInTheFirstHalf = 0;
        long largestInTheSecondHalf = 0;
        long seq = 0;
        try (Ledger ledger = Ledger.open(file)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int p = 0; p < PATHS; p++) {
                    seq++;
                    ledger.follow("stream", seq);
                    ledger.recordNode(RelPath.of("churn/f" + p + ".txt"), seq);
                }
                ledger.commit();
                long size = Files.size(file);
                if (round < ROUNDS / 2) {
                    largestInTheFirstHalf = Math.max(largestInTheFirstHalf, size);
                } else {
                    largestInTheSecondHalf = Math.max(largestInTheSecondHalf, size);
                }
            }
        }
        // Unbounded, the second half would add as many records again as the first.
        assertThat(largestInTheSecondHalf).as("the ledger's largest size in rounds %d to %d, against %d to %d",
                ROUNDS / 2, ROUNDS, 0, ROUNDS / 2)
                .isLessThanOrEqualTo(largestInTheFirstHalf + largestInTheFirstHalf / 10);

        try (Ledger reopened = Ledger.open(file)) {
            assertThat(reopened.size()).isEqualTo(PATHS);
            long last = seq;
            assertThat(reopened.isStale(RelPath.of("churn/f" + (PATHS - 1) + ".txt"), last)).isTrue();
            assertThat(reopened.isStale(RelPath.of("churn/f0.txt"), last - PATHS + 2)).isFalse();
            assertThat(reopened.position()).isNotNull();
        }
    }
}
