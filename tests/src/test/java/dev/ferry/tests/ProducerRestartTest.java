package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.deleteTree;
import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A producer that was not running while the source changed publishes, when it runs again, only
 * what differs from what it last published (deletes included), and the mirror catches up.
 */
@Timeout(value = 3, unit = MINUTES)
class ProducerRestartTest {

    private static final Duration ONE_RUN = Duration.ofSeconds(60);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aProducerRunAgainPublishesOnlyWhatChangedWhileItWasAway() throws IOException, JMSException {
        Path source = TestTrees.mixed(ferry.directory("source"));
        TestTrees.manySmallFiles(source.resolve("bulk"), 100);
        Path destination = ferry.directory("destination");

        ferry.producer(source, "--once").waitForSuccess(ONE_RUN);
        int wholeTree = eventsWaiting();
        ferry.consumer(destination, "--drain").waitForSuccess(ONE_RUN);
        assertThat(TreeSnapshot.of(destination)).isEqualTo(TreeSnapshot.of(source));

        ferry.producer(source, "--once").waitForSuccess(ONE_RUN);
        assertThat(eventsWaiting()).as("events published for an unchanged tree").isZero();

        writeText(source.resolve("docs/readme.txt"), text("changed while the producer was away", 1234));
        Files.delete(source.resolve("zero.bin"));
        Files.move(source.resolve("old.txt"), source.resolve("renamed old.txt"));
        deleteTree(source.resolve("docs/guide"));
        writeText(source.resolve("added/new.txt"), "added while the producer was away\n");

        ferry.producer(source, "--once").waitForSuccess(ONE_RUN);
        assertThat(eventsWaiting())
                .as("events for five changes, where the whole tree took %d", wholeTree)
                .isPositive()
                .isLessThanOrEqualTo(wholeTree / 4);
        ferry.consumer(destination, "--drain").waitForSuccess(ONE_RUN);
        assertThat(TreeSnapshot.of(destination)).isEqualTo(TreeSnapshot.of(source));
    }

    /** The events waiting on the queue; small files travel many to a message, so messages would not tell. */
    private int eventsWaiting() throws JMSException {
        int events = 0;
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            for (Message message : queue.browse(QueueClient.DEFAULT_MIRROR_QUEUE)) {
                try {
                    events += EventMessages.decode(message).size();
                } catch (WireFormatException e) {
                    throw new AssertionError("the producer published a message Ferry cannot read: " + e.getMessage(), e);
                }
            }
        }
        return events;
    }
}
