package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several mirrors may share one broker, each on its own queue, and a backlog on one queue must not
 * stop the others. With ActiveMQ's defaults, each queue's cache of waiting messages could grow to
 * the broker's whole memory limit: with 40 MB waiting on one queue, a producer on a second one
 * blocked for good (its open transaction could never be stored). The broker now caps each queue's
 * memory and its cache within it (EmbeddedBroker, broker-config/activemq.xml).
 */
@Timeout(value = 4, unit = MINUTES)
class SharedBrokerTest {

    private static final int FILES = 40;
    private static final long FILE_BYTES = 1L << 20;
    /** Generous for 40 MiB; a blocked producer never finishes. */
    private static final Duration ONE_RUN = Duration.ofSeconds(90);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void backlogsOnTwoQueuesOfOneBrokerBeyondItsMemoryNeverBlockAProducer() {
        Path source = ferry.directory("source");
        for (int i = 0; i < FILES; i++) {
            TestTrees.writeRandom(source.resolve("file-" + i + ".bin"), FILE_BYTES, i);
        }
        // A 128 MiB heap gives the broker a memory limit of about 64 MiB for messages (half the
        // heap) and each queue a quarter of it: the limits under which 40 MiB waiting on one queue
        // blocked a producer on another for good before queues had a cap of their own.
        ferry.brokerWithHeap("128m");

        for (String queue : new String[] {"mirror.one", "mirror.two"}) { // no consumer: both wait in full
            ferry.start("producer", "--once", "--source", source.toString(), "--broker", ferry.brokerUrl(),
                    "--queue", queue, "--state", ferry.directory("state-" + queue).toString())
                    .waitForSuccess(ONE_RUN);
        }
    }
}
