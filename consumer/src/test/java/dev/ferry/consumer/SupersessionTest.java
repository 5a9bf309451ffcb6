package dev.ferry.consumer;

import static dev.ferry.consumer.Bodies.putFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SupersessionTest {

    private static BitSet supersededIn(ChangeEvent... events) {
        return Supersession.of(Arrays.asList(events));
    }

    @Test
    void aFileCreatedModifiedAndDeletedInOneBacklogIsNeverWritten() {
        assertThat(supersededIn(
                new ChangeEvent.FileChunk(RelPath.of("f"), 1, 0, 10),
                putFile("f", 1, "v1"),
                putFile("f", 2, "v2"),
                new ChangeEvent.Delete(RelPath.of("f"), 3)))
                .isEqualTo(BitSet.valueOf(new long[] {0b0111}));
    }

    @Test
    void onlyTheLastVersionOfAFileIsWritten() {
        assertThat(supersededIn(putFile("f", 1, "v1"), putFile("g", 2, "g"), putFile("f", 3, "v3")))
                .isEqualTo(BitSet.valueOf(new long[] {0b001}));
    }

    @Test
    void aBodyThatIsMovedLaterIsStillWrittenEvenIfItsOldPathIsReplacedAfterwards() {
        assertThat(supersededIn(
                putFile("d/f", 1, "v1"),
                new ChangeEvent.Rename(RelPath.of("d"), RelPath.of("e"), 2),
                new ChangeEvent.Delete(RelPath.of("d"), 3)))
                .isEqualTo(new BitSet());
    }

    @Test
    void aDeleteOrARenameOntoADirectoryAboveSupersedesTheBodiesBelowIt() {
        assertThat(supersededIn(putFile("d/f", 1, "x"), new ChangeEvent.Delete(RelPath.of("d"), 2))).isEqualTo(BitSet.valueOf(new long[] {1}));
        assertThat(supersededIn(putFile("d/f", 1, "x"), new ChangeEvent.Rename(RelPath.of("o"), RelPath.of("d"), 2)))
                .isEqualTo(BitSet.valueOf(new long[] {1}));
        assertThat(supersededIn(putFile("dx/f", 1, "x"), new ChangeEvent.Delete(RelPath.of("d"), 2)))
                .as("a sibling with a common prefix").isEqualTo(new BitSet());
    }
}
