package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker can commit a producer's transaction and go away before the producer hears of it (a kill
 * -9 right after KahaDB wrote the commit, a cable pulled): the producer cannot tell that commit
 * from one that failed. Whatever it then assumes, the mirror must still converge, deletes
 * included, once the broker is back.
 *
 * <p>The relay makes the unlucky timing certain: the broker's answer to the commit is swallowed,
 * the consumer (connected directly) applies what was committed, the producer's connection is cut,
 * and the file is deleted before the producer can reconnect.
 */
@Timeout(value = 2, unit = MINUTES)
class InDoubtCommitTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String IN_DOUBT = "committed in doubt.txt";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aFileWhoseCommitTheProducerNeverHeardOfIsStillDeletedInTheMirror() throws IOException {
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.directory("destination");
        FerryProcess broker = ferry.broker();
        try (FlakyRelay relay = FlakyRelay.start(URI.create(ferry.brokerUrl()).getPort())) {
            FerryProcess consumer = ferry.consumer(destination);
            FerryProcess producer = ferry.start("producer", "--source", source.toString(), "--broker", relay.url(),
                    "--state", ferry.workspace().resolve("producer-state").toString());
            Convergence.await(source, destination, INITIAL_SYNC, broker, consumer, producer);
            // The new destination asked for its late-join repair; answered while replies are swallowed,
            // the producer's question to the broker (is the mirror's queue there?) would hold it up
            // before it ever publishes the file in doubt.
            consumer.waitForLog("repair \\S+ of mirror 'default': \\d+ events applied", 1, PATIENCE);

            relay.swallowReplies();
            writeText(source.resolve(IN_DOUBT), text("committed, but the producer never heard so", 3000));
            consumer.waitForLog(FerryLog.appliedPut(IN_DOUBT), 1, PATIENCE);
            relay.breakDown();
            producer.waitForLog(FerryLog.LOST_BROKER, 1, PATIENCE);
            Files.delete(source.resolve(IN_DOUBT));
            relay.heal();

            producer.waitForLog(FerryLog.RECONNECTED, 1, PATIENCE);
            Convergence.await(source, destination, PATIENCE, broker, consumer, producer);
        }
    }
}
