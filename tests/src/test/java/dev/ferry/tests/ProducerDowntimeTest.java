package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.appendText;
import static dev.ferry.tests.TestTrees.deleteTree;
import static dev.ferry.tests.TestTrees.directory;
import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A producer that was down while the source changed in every way catches up when it runs again,
 * following the tree or once: the mirror converges, renames travel as renames, and what did not
 * change is not sent again.
 */
@Timeout(value = 3, unit = MINUTES)
class ProducerDowntimeTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    /** Left alone throughout. */
    private static final String UNCHANGED = "secret.txt";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path source;
    private Path destination;
    private FerryProcess broker;
    private FerryProcess consumer;
    private FerryProcess firstProducer;

    @BeforeEach
    void aConvergedMirrorWhoseProducerStopsWhileTheSourceChanges() throws IOException {
        source = TestTrees.mixed(ferry.directory("source"));
        destination = ferry.directory("destination");
        broker = ferry.broker();
        consumer = ferry.consumer(destination);
        firstProducer = ferry.producer(source);
        Convergence.await(source, destination, INITIAL_SYNC, broker, consumer, firstProducer);
        firstProducer.close();

        writeText(source.resolve("added/new.txt"), text("created while the producer was down", 3000));
        writeText(source.resolve("added/deeper/more.txt"), "and more\n");
        directory(source.resolve("added/empty"));
        writeText(source.resolve("docs/readme.txt"), text("rewritten while the producer was down", 4321));
        appendText(source.resolve("name with spaces.txt"), "appended while the producer was down\n");
        Files.delete(source.resolve("zero.bin"));
        move("old.txt", "renamed old.txt");
        move("data", "data renamed");
        deleteTree(source.resolve("docs/guide"));
    }

    @Test
    void aProducerStartedAgainCatchesUpAndFollowsOn() {
        FerryProcess producer = ferry.producer(source);

        Convergence.await(source, destination, CATCH_UP, broker, consumer, producer);
        assertSentOnlyWhatChanged(producer);
    }

    @Test
    void aProducerRunOnceCatchesUpAndExits() {
        FerryProcess producer = ferry.producer(source, "--once");

        producer.waitForSuccess(CATCH_UP);
        Convergence.await(source, destination, CATCH_UP, broker, consumer);
        assertSentOnlyWhatChanged(producer);
    }

    private void assertSentOnlyWhatChanged(FerryProcess secondProducer) {
        List<String> unchangedSent = Stream.of(firstProducer, secondProducer)
                .flatMap(producer -> producer.logLinesMatching(FerryLog.publishedPut(UNCHANGED)).stream())
                .toList();
        assertThat(unchangedSent).as("publications of %s, which never changed", UNCHANGED).hasSize(1);
        assertThat(secondProducer.logLinesMatching(FerryLog.publishedRename("old.txt", "renamed old.txt")))
                .as("the rename of a file").hasSize(1);
        assertThat(secondProducer.logLinesMatching(FerryLog.publishedRename("data", "data renamed")))
                .as("the rename of a directory").hasSize(1);
        assertThat(secondProducer.logLinesMatching(FerryLog.publishedPut("data renamed/blob.bin")))
                .as("publications of a 3 MB file whose directory was renamed: renames do not resend bytes")
                .isEmpty();
        assertThat(secondProducer.logLinesMatching(FerryLog.publishedDelete("docs/guide")))
                .as("one delete for the removed tree").hasSize(1);
    }

    private void move(String from, String to) throws IOException {
        Files.move(source.resolve(from), source.resolve(to), StandardCopyOption.ATOMIC_MOVE);
    }
}
