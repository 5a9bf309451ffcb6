package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: given the same files changed again and again (a build cache, a log directory), when
 * the producer publishes each round, then its index on disk stays bounded by the live paths, not
 * by the history of changes: the journal is compacted, and it loads back with every live entry.
 */
class IndexChurnTest {

    private static final int FILES = 200;
    /** 22,000 puts: more than twice the 10,402 records (twice the live entries plus 10,000) that compact it. */
    private static final int ROUNDS = 110;

    @TempDir
    Path temp;

    @Test
    void theIndexOfFilesChangedManyTimesStaysBounded() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        Path index = tree.state.resolve("index.journal");
        long largestInTheFirstHalf = 0;
        long largestInTheSecondHalf = 0;
        try (Producer producer = Producer.open(tree.settings(), new RecordingSink(), SETTLED_CLOCK)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int f = 0; f < FILES; f++) {
                    tree.write("churn/f" + f + ".txt", "round " + round);
                }
                assertThat(producer.publishOnce().events()).as("round %d", round)
                        .isEqualTo(round == 0 ? FILES + 1 : FILES);
                long size = Files.size(index);
                if (round < ROUNDS / 2) {
                    largestInTheFirstHalf = Math.max(largestInTheFirstHalf, size);
                } else {
                    largestInTheSecondHalf = Math.max(largestInTheSecondHalf, size);
                }
            }
        }
        // Unbounded, the second half would add as many records again as the first.
        assertThat(largestInTheSecondHalf).as("the index's largest size in rounds %d to %d, against %d to %d",
                ROUNDS / 2, ROUNDS, 0, ROUNDS / 2)
                .isLessThanOrEqualTo(largestInTheFirstHalf + largestInTheFirstHalf / 10);

        RecordingSink again = new RecordingSink();
        try (Producer reopened = Producer.open(tree.settings(), again, SETTLED_CLOCK)) {
            assertThat(reopened.publishOnce().events()).as("what a restart finds to publish").isZero();
        }
    }
}
