package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker is killed (-9) at many moments of a consumer's and a producer's life and started again
 * on its data and port: while one of them logs in and sets up, right after the consumer took up a
 * file it was staging when it crashed, in the middle of their transactions and commits, and while
 * they idle. Each time both must still run, say once that they lost the broker and once that they
 * reconnected, and the mirror must be exact once they are idle again. During every outage their
 * metrics are scraped, which asks the dead broker for its queue statistics.
 *
 * <p>Each process reaches the broker through a relay of its own, which holds back the nth command
 * it sends, so the broker dies with exactly that command unanswered. The commands and delays come
 * from a seed, printed first: {@code -Dferry.sweep.seed=N} replays a run, {@code
 * -Dferry.sweep.rounds=N} runs the moments N times over for a longer soak.
 */
@Timeout(value = 6, unit = MINUTES)
class BrokerKillSweepTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    private static final Duration TRANSFER = Duration.ofMinutes(1);
    /** How long a held command may take to come; an idle process may never send it, and is killed anyway. */
    private static final Duration COMMAND_WAIT = Duration.ofSeconds(10);
    private static final long RECOVERED_FILE = 16L * 1024 * 1024;
    private static final long STAGED_BEFORE_THE_CRASH = 2L * 1024 * 1024;
    private static final int CHANGES_PER_OUTAGE = 8;

    /** A moment of a process's life at which the broker is killed; the bound is of its random parameter. */
    private enum Moment {
        /** The consumer restarts; the broker dies at its nth command (2, the login, to 4: its set-up). */
        CONSUMER_SETUP(2, 4),
        /** The producer restarts with changes to publish; the broker dies at its nth command. */
        PRODUCER_SETUP(2, 4),
        /** The consumer, killed while staging a large file, restarts; the broker dies at its nth command. */
        CONSUMER_RECOVERY(2, 16),
        /** Both are busy with a burst of changes; the broker dies at the consumer's nth command. */
        CONSUMER_TRANSFER(1, 10),
        /** Both are busy with a burst of changes; the broker dies at the producer's nth command. */
        PRODUCER_TRANSFER(1, 20),
        /** Both idle; the broker dies after a random delay, in milliseconds. */
        IDLE(0, 1500),
        /** As CONSUMER_SETUP, and on into what it does once set up. */
        CONSUMER_START(2, 16),
        /** As PRODUCER_SETUP, and on into what it publishes. */
        PRODUCER_START(2, 16);

        final int min;
        final int max;

        Moment(int min, int max) {
            this.min = min;
            this.max = max;
        }
    }

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path source;
    private Path destination;
    private FlakyRelay consumerRelay;
    private FlakyRelay producerRelay;
    private FerryProcess consumer;
    private FerryProcess producer;
    private int consumerMetrics;
    private int producerMetrics;
    private RandomChanges changes;
    private Random random;

    @Test
    void aBrokerKilledAtAnyMomentLeavesConsumerAndProducerRunningAndTheMirrorExact() throws Exception {
        long seed = Long.getLong("ferry.sweep.seed", System.nanoTime());
        int rounds = Integer.getInteger("ferry.sweep.rounds", 1);
        System.out.println("BrokerKillSweepTest: seed " + seed + " (replay with -Dferry.sweep.seed=" + seed + ")");
        random = new Random(seed);
        source = TestTrees.mixed(ferry.directory("source"));
        destination = ferry.directory("destination");
        changes = new RandomChanges(source, random.nextLong());
        int brokerPort = URI.create(ferry.brokerUrl()).getPort();
        try (FlakyRelay toConsumer = FlakyRelay.start(brokerPort);
             FlakyRelay toProducer = FlakyRelay.start(brokerPort)) {
            consumerRelay = toConsumer;
            producerRelay = toProducer;
            consumerMetrics = FreePorts.next();
            producerMetrics = FreePorts.next();
            consumer = startConsumer();
            producer = startProducer();
            Convergence.await(source, destination, INITIAL_SYNC, ferry.broker(), consumer, producer);

            for (int round = 1; round <= rounds; round++) {
                for (Moment moment : Moment.values()) {
                    int parameter = moment.min + random.nextInt(moment.max - moment.min + 1);
                    killTheBrokerAndComeBack(round, moment, parameter);
                }
            }
        }
    }

    private void killTheBrokerAndComeBack(int round, Moment moment, int parameter) throws Exception {
        Losses before = new Losses(consumer, producer);
        String struck = moment + " " + parameter + ": " + strike(moment, parameter);
        long killed = System.nanoTime();
        long downtime = 300 + random.nextInt(1200);
        for (int i = 0; i < CHANGES_PER_OUTAGE; i++) {
            changes.next();
        }
        Thread.sleep(downtime);
        scrapeWhileDown(consumer, consumerMetrics, struck);
        scrapeWhileDown(producer, producerMetrics, struck);
        FerryProcess broker = ferry.restartBroker();
        consumerRelay.listenAgain();
        producerRelay.listenAgain();

        Convergence.await(source, destination, CATCH_UP, broker, consumer, producer);
        before.assertEachLostAndFoundTheBrokerOnce(struck, consumer, producer);
        System.out.printf("BrokerKillSweepTest: round %d, %s, down for %d ms; the mirror exact %.1f s after the kill%n",
                round, struck, downtime, (System.nanoTime() - killed) / 1e9);
    }

    /** Asks {@code process} for its metrics, which asks the broker, dead now, for its queue statistics. */
    private static void scrapeWhileDown(FerryProcess process, int port, String moment) {
        if (!process.isAlive()) {
            fail("%s exited when the broker was killed at %s%n%s", process.name(), moment, process.logTail());
        }
        MetricsScrape.of(port);
    }

    /** Brings the processes to {@code moment} and kills the broker there; says where it struck. */
    private String strike(Moment moment, int parameter) throws InterruptedException {
        FlakyRelay.HeldCommand held;
        switch (moment) {
            case CONSUMER_SETUP, CONSUMER_START -> {
                consumer.close();
                changes.next(); // Something to apply once it is set up.
                held = consumerRelay.holdCommand(parameter);
                consumer = startConsumer();
            }
            case PRODUCER_SETUP, PRODUCER_START -> {
                producer.close();
                for (int i = 0; i < CHANGES_PER_OUTAGE; i++) {
                    changes.next(); // Something to publish once it is set up.
                }
                held = producerRelay.holdCommand(parameter);
                producer = startProducer();
            }
            case CONSUMER_RECOVERY -> {
                TestTrees.writeRandom(source.resolve("recovered/" + random.nextInt(1_000_000) + ".bin"), RECOVERED_FILE,
                        random.nextLong());
                Staging.awaitGrowingPart(destination, STAGED_BEFORE_THE_CRASH, TRANSFER, ferry.broker(), consumer,
                        producer);
                consumer.kill();
                held = consumerRelay.holdCommand(parameter);
                consumer = startConsumer();
            }
            case CONSUMER_TRANSFER, PRODUCER_TRANSFER -> {
                held = (moment == Moment.CONSUMER_TRANSFER ? consumerRelay : producerRelay).holdCommand(parameter);
                for (int i = 0; i < 4 * CHANGES_PER_OUTAGE; i++) {
                    changes.next();
                }
            }
            case IDLE -> {
                Thread.sleep(parameter);
                held = null;
            }
            default -> throw new IllegalStateException("no such moment " + moment);
        }
        String struck = held == null ? "after " + parameter + " ms"
                : held.await(COMMAND_WAIT) ? "at " + held + " held"
                : held + " never came; killed after " + COMMAND_WAIT;
        consumerRelay.stopListening();
        producerRelay.stopListening();
        ferry.broker().kill();
        return struck;
    }

    private FerryProcess startConsumer() {
        return ferry.start("consumer", "--dest", destination.toString(), "--broker", consumerRelay.url(),
                "--metrics-port", String.valueOf(consumerMetrics));
    }

    private FerryProcess startProducer() {
        return ferry.start("producer", "--source", source.toString(), "--broker", producerRelay.url(),
                "--state", ferry.workspace().resolve("producer-state").toString(),
                "--metrics-port", String.valueOf(producerMetrics));
    }

    /** How often each process had said it lost the broker and reconnected, before an outage. */
    private record Losses(List<Count> counts) {

        private record Count(FerryProcess process, int lost, int reconnected) {
        }

        Losses(FerryProcess... processes) {
            this(new ArrayList<>());
            for (FerryProcess process : processes) {
                counts.add(new Count(process, lostLines(process), reconnectedLines(process)));
            }
        }

        /** Each of {@code processes}, old or started during the outage, said both exactly once more. */
        void assertEachLostAndFoundTheBrokerOnce(String moment, FerryProcess... processes) {
            for (FerryProcess process : processes) {
                Count earlier = counts.stream().filter(count -> count.process() == process).findFirst()
                        .orElse(new Count(process, 0, 0));
                assertThat(lostLines(process)).as("'lost the broker' lines of %s after %s%n%s", process.name(), moment,
                        process.logTail()).isEqualTo(earlier.lost() + 1);
                assertThat(reconnectedLines(process)).as("'reconnected' lines of %s after %s%n%s", process.name(),
                        moment, process.logTail()).isEqualTo(earlier.reconnected() + 1);
            }
        }

        private static int lostLines(FerryProcess process) {
            return process.logLinesMatching(FerryLog.LOST_BROKER).size();
        }

        private static int reconnectedLines(FerryProcess process) {
            return process.logLinesMatching(FerryLog.RECONNECTED).size();
        }
    }
}
