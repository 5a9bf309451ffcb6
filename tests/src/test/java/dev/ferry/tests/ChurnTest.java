package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of random changes (see {@link RandomChanges}) while the consumer and the broker are
 * killed -9 and restarted at random moments, a few times each; once the changes stop and
 * everything runs again, the mirror converges, with nothing left staged.
 *
 * <p>The seed is printed first; {@code -Dferry.churn.seed=N} runs the same changes and the same
 * outages again (the timing, and so the interleaving, differs from run to run).
 */
@Timeout(value = 5, unit = MINUTES)
class ChurnTest {

    private static final int ROUNDS = 40;
    private static final int CHANGES_PER_ROUND = 55;
    private static final int OUTAGES_EACH = 3;
    /** The pause between rounds, so the producer publishes intermediate states, not only the last. */
    private static final int MAX_PAUSE_MILLIS = 250;
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration CONVERGENCE = Duration.ofMinutes(2);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path destination;
    private FerryProcess consumer;

    /** A process down from one round to another. */
    private record Outage(int down, int up) {
    }

    @Test
    void theMirrorConvergesAfterThousandsOfChangesWhileConsumerAndBrokerAreKilled() {
        long seed = Long.getLong("ferry.churn.seed", new SecureRandom().nextLong());
        System.out.println("ChurnTest seed " + seed + " (run the same changes with -Dferry.churn.seed=" + seed + ")");
        Random chaos = new Random(seed);
        List<Outage> brokerOutages = outages(chaos);
        List<Outage> consumerOutages = outages(chaos);
        System.out.println("ChurnTest outages (rounds) of the broker " + brokerOutages + ", of the consumer "
                + consumerOutages);

        Path source = TestTrees.mixed(ferry.directory("source"));
        destination = ferry.directory("destination");
        RandomChanges changes = new RandomChanges(source, seed);
        ferry.broker();
        startConsumer();
        FerryProcess producer = ferry.producer(source);
        // A command that cannot reach its broker when it starts fails: no outage before both are in.
        producer.waitForLog(FerryLog.PRODUCER_WATCHING, 1, STARTUP);

        for (int round = 0; round < ROUNDS; round++) {
            breakAndMend(round, brokerOutages, consumerOutages);
            for (int i = 0; i < CHANGES_PER_ROUND; i++) {
                changes.next();
            }
            assertThat(producer.isAlive()).as("the producer in round %d (seed %d)%n%s", round, seed,
                    producer.logTail()).isTrue();
            pause(chaos.nextInt(MAX_PAUSE_MILLIS));
        }
        mendAll();
        System.out.println("ChurnTest made " + changes.made());

        try {
            Convergence.await(source, destination, CONVERGENCE, ferry.broker(), consumer, producer);
            Staging.assertEmpty(destination);
        } catch (AssertionError e) {
            throw new AssertionError("with seed " + seed + ": " + e.getMessage(), e);
        }
    }

    /** Kills and restarts what the plan says for {@code round}; a consumer waits for its broker. */
    private void breakAndMend(int round, List<Outage> brokerOutages, List<Outage> consumerOutages) {
        for (Outage outage : brokerOutages) {
            if (outage.down() == round) {
                ferry.broker().kill();
            } else if (outage.up() == round) {
                ferry.restartBroker();
            }
        }
        for (Outage outage : consumerOutages) {
            if (outage.down() == round && consumer.isAlive()) {
                consumer.kill();
            }
        }
        if (!consumer.isAlive() && ferry.broker().isAlive() && consumerUpBy(round, consumerOutages)) {
            startConsumer();
        }
    }

    private static boolean consumerUpBy(int round, List<Outage> consumerOutages) {
        return consumerOutages.stream().noneMatch(outage -> outage.down() <= round && round < outage.up());
    }

    private void mendAll() {
        if (!ferry.broker().isAlive()) {
            ferry.restartBroker();
        }
        if (!consumer.isAlive()) {
            startConsumer();
        }
    }

    private void startConsumer() {
        consumer = ferry.consumer(destination);
        consumer.waitForLog(FerryLog.CONSUMER_STARTED, 1, STARTUP);
    }

    /**
     * {@link #OUTAGES_EACH} outages of one to three rounds, one in each stretch of the run, none
     * in the first two rounds or after the last few.
     */
    private static List<Outage> outages(Random chaos) {
        List<Outage> outages = new ArrayList<>();
        int stretch = (ROUNDS - 6) / OUTAGES_EACH;
        for (int i = 0; i < OUTAGES_EACH; i++) {
            int down = 2 + i * stretch + chaos.nextInt(stretch - 3);
            outages.add(new Outage(down, down + 1 + chaos.nextInt(3)));
        }
        return outages;
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
