package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static dev.ferry.producer.SourceFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given a producer with an observer, when it publishes, then the observer hears what the broker committed. */
class ProducerObserverTest {

    @TempDir
    Path temp;

    @Test
    void theObserverLearnsTheWorkAheadThenEveryCommittedChange() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("a.txt", bytes(100));
        tree.write("dir/b.bin", bytes(3000)); // three chunks of 1 KiB
        tree.symlink("link", "a.txt");
        Recorder recorder = new Recorder();

        try (Producer producer = Producer.open(tree.settings(java.time.Duration.ofMillis(50), 2)
                .withObserver(recorder), new RecordingSink(), SETTLED_CLOCK)) {
            producer.publishOnce();
        }

        assertThat(recorder.found).containsExactly("2 files, 3100 bytes");
        assertThat(recorder.bodyBytes).isEqualTo(3100);
        assertThat(recorder.changes).extracting(e -> e.getClass().getSimpleName() + " " + e.path())
                .containsExactly("PutFile a.txt", "PutFile dir/b.bin", "PutDirectory dir", "PutSymlink link");
        assertThat(recorder.changes).filteredOn(PutFile.class::isInstance).hasSize(2);
        assertThat(recorder.transactions).as("batches of 2 messages").isGreaterThan(1);
    }

    @Test
    void anUnchangedTreeIsNoWorkAndNoCommit() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("a.txt", "same");
        try (Producer producer = Producer.open(tree.settings(), new RecordingSink(), SETTLED_CLOCK)) {
            producer.publishOnce();
        }
        Recorder recorder = new Recorder();

        try (Producer producer = Producer.open(tree.settings().withObserver(recorder), new RecordingSink(),
                SETTLED_CLOCK)) {
            producer.publishOnce();
        }

        assertThat(recorder.found).isEmpty();
        assertThat(recorder.transactions).isZero();
    }

    @Test
    void allTellsEveryObserver() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        ProducerObserver both = ProducerObserver.all(List.of(first, second));

        both.differencesFound(1, 2);
        both.committed(List.of(), 5, 2);
        both.caughtUp();

        for (Recorder recorder : List.of(first, second)) {
            assertThat(recorder.found).containsExactly("1 files, 2 bytes");
            assertThat(recorder.bodyBytes).isEqualTo(5);
            assertThat(recorder.wireBytes).isEqualTo(2);
            assertThat(recorder.caughtUp).isTrue();
        }
    }

    private static final class Recorder implements ProducerObserver {
        final List<String> found = new ArrayList<>();
        final List<ChangeEvent> changes = new ArrayList<>();
        long bodyBytes;
        long wireBytes;
        int transactions;
        boolean caughtUp;

        @Override
        public void differencesFound(long files, long bytes) {
            found.add(files + " files, " + bytes + " bytes");
        }

        @Override
        public void committed(List<ChangeEvent> committed, long bytes, long wire) {
            changes.addAll(committed);
            bodyBytes += bytes;
            wireBytes += wire;
            transactions++;
        }

        @Override
        public void caughtUp() {
            caughtUp = true;
        }
    }
}
