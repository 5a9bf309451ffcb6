package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The backlog limit against the broker's store (8 GiB) and memory (64 MiB) of broker-config/. */
class MirrorBudgetTest {

    private static final long GIB = 1L << 30;

    @Test
    void theDefaultIs2GibUpTo3MirrorQueuesThenSharesThreeQuartersOfTheStore() {
        MirrorBudget automatic = MirrorBudget.automatic();

        assertThat(automatic.limitFor(1)).isEqualTo(2 * GIB);
        assertThat(automatic.limitFor(3)).isEqualTo(2 * GIB);
        assertThat(automatic.limitFor(4)).isEqualTo(6 * GIB / 4);
        assertThat(automatic.limitFor(8)).isEqualTo(6 * GIB / 8);
        for (int queues = 1; queues <= 20; queues++) {
            assertThat(queues * automatic.limitFor(queues)).as("%d queues", queues).isLessThanOrEqualTo(6 * GIB);
        }
        assertThat(automatic.storeWarning(20)).as("the default never passes it").isNull();
    }

    @Test
    void aLimitGivenIsUsedAsGivenWithAWarningWhenTheStoreCouldFillFirst() {
        MirrorBudget given = MirrorBudget.of(2 * GIB);

        assertThat(given.limitFor(5)).isEqualTo(2 * GIB);
        assertThat(given.storeWarning(3)).isNull();
        assertThat(given.storeWarning(4)).startsWith("with 4 mirror queues and a backlog limit of 2 GiB, the broker's "
                + "store may hold about 8 GiB before a mirror that stays away is dropped");
    }

    @Test
    void moreThanSevenMirrorQueuesMayFillTheBrokersMemory() {
        assertThat(MirrorBudget.automatic().memoryWarning(7)).isNull();
        assertThat(MirrorBudget.automatic().memoryWarning(8)).startsWith("the stream has 8 mirror queues");
    }

    @Test
    void aLimitIsPositive() {
        assertThatThrownBy(() -> MirrorBudget.of(0)).hasMessage("a mirror backlog limit of 0 bytes is not positive");
    }
}
