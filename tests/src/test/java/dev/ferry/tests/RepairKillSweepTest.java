package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14's proof that a repair survives a crash: the broker, the producer or the consumer is
 * killed (-9) in the middle of a repair, at moments spread over it, and started again; the mirror
 * must converge to exactly the source, as {@link TreeSnapshot} and rsync judge it, and the repair
 * must end (its done applied), also when the consumer comes back without {@code --repair}: a repair
 * in flight is remembered under {@code DST/.ferry}.
 *
 * <p>Each round tampers heavily with the exact mirror ({@link MirrorTampering}: some 215 events
 * to send back), starts a consumer with {@code --repair}, waits for a line the processes log anyway
 * (the request sent, the producer comparing digests or listings, the k-th event sent or applied, the
 * done sent), kills one process there, changes in the source the very paths the repair is about
 * while it is down, and starts it again; then does the same at a later moment of the same repair.
 * The mirror must end equal to the newest source, so no event of the interrupted repair may
 * overwrite a newer state. Seven rounds strike each process at an early moment and a late one.
 *
 * <p>The k of each round comes from a seed, printed first: {@code -Dferry.sweep.seed=N} replays a
 * run. The producer commits 25 events at a time, so the k-th sent is the end of a commit.
 */
@Timeout(value = 5, unit = MINUTES)
class RepairKillSweepTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration MOMENT_WAIT = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final int DIRECTORIES = 10;
    private static final int FILES_PER_DIRECTORY = 100;
    private static final String LARGE = "large";
    private static final int LARGE_FILES = 4;
    private static final long LARGE_FILE = 3L * 1024 * 1024 / 2;
    /**
     * Files tampered with of each kind: with a directory of 100 deleted, some 215 events to send
     * back, never fewer than 200 (the source loses a file of that directory at each outage).
     */
    private static final int TAMPERED = 25;
    /**
     * Small producer transactions, so the repair's events are committed in some nine steps, each a
     * moment to strike at (smaller ones make the first sync of the tree slow).
     */
    private static final String PRODUCER_BATCH_EVENTS = "25";

    /** The producer's line for each event of a repair, once committed to the mirror's queue. */
    private static final String SENT = "- sent .* for the repair of mirror default$";
    private static final Pattern ASKED = Pattern.compile("repair (\\S+) of mirror 'default': asked the producer");
    private static final Pattern AWAITED = Pattern.compile("repair (\\S+) of mirror 'default' was asked for before");

    /** What is killed. */
    private enum Victim { CONSUMER, PRODUCER, BROKER }

    /** A moment of a repair, by the line that tells it, and whose log says it. */
    private enum Moment {
        /** The request is committed on the control queue and its id recorded under DST/.ferry. */
        ASKED(true, RepairKillSweepTest.ASKED.pattern()),
        /** The producer took the request and compares the digests. */
        COMPARING_DIGESTS(false, "repair \\S+ of mirror default: comparing \\d+ directories"),
        /** The consumer listed the directories asked for, in the transaction that takes the describe. */
        LISTED(true, "repair \\S+ of mirror 'default': listed "),
        /** The producer took the listings and compares them with what it published. */
        COMPARING_LISTINGS(false, "repair \\S+ of mirror default: comparing \\d+ listings"),
        /** The producer committed the k-th event of the repair. */
        SENT_K(false, SENT),
        /** The consumer applied the k-th event of the repair. */
        APPLIED_K(true, FerryLog.ANY_APPLIED),
        /**
         * The consumer landed the k-th file of the repair: mostly in the middle of landing a batch,
         * the directories it lands in given their times back only at the end.
         */
        LANDED_K(true, FerryLog.ANY_APPLIED_PUT),
        /** The producer committed the done: the consumer is applying the last events, then the done. */
        DONE_SENT(false, "repair \\S+ of mirror default: done, \\d+ events sent");

        final boolean consumerSays;
        final String line;

        Moment(boolean consumerSays, String line) {
            this.consumerSays = consumerSays;
            this.line = line;
        }
    }

    /**
     * One kill: of {@code victim}, when the {@code count}-th line of {@code moment} is logged; a
     * consumer killed is started again with {@code --repair} or without.
     */
    private record Strike(Victim victim, Moment moment, int count, boolean againWithRepair) {

        @Override
        public String toString() {
            String when = moment.name().endsWith("_K") ? moment + " " + count
                    : moment.toString();
            return victim.name().toLowerCase() + " at " + when
                    + (victim == Victim.CONSUMER ? (againWithRepair ? ", back with --repair" : ", back without --repair")
                    : "");
        }
    }

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Random random;
    private Path source;
    private Path destination;
    private FerryProcess broker;
    private FerryProcess producer;
    private FerryProcess consumer;
    /** The consumers and producers of the round under way, the first one first. */
    private final List<FerryProcess> consumers = new ArrayList<>();
    private final List<FerryProcess> producers = new ArrayList<>();
    /** The repair events the round's first producer had sent before the round. */
    private int sentBefore;
    private int outages;
    /** Whether rsync is here to judge each round beside TreeSnapshot. */
    private boolean rsyncJudges;
    /** Whether the running consumer was started with {@code --repair}. */
    private boolean consumerAsksAtStart;

    @Test
    void aRepairInterruptedByKillingTheBrokerProducerOrConsumerAtAnyMomentStillMakesTheMirrorExact() {
        long seed = Long.getLong("ferry.sweep.seed", System.nanoTime());
        System.out.println("RepairKillSweepTest: seed " + seed + " (replay with -Dferry.sweep.seed=" + seed + ")");
        random = new Random(seed);
        long started = System.nanoTime();
        rsyncJudges = Rsync.judges(ferry.workspace(), "RepairKillSweepTest");
        source = aSourceOfSmallAndLargeFiles(ferry.directory("source"));
        destination = ferry.directory("destination");
        broker = ferry.broker();
        producer = ferry.producer(source, "--batch-events", PRODUCER_BATCH_EVENTS);
        consumer = newConsumer(false); // A new destination: it joins late, and repairs by itself.
        consumer.waitForLog(ASKED.pattern(), 1, INITIAL_SYNC);
        assertEveryRepairApplied("the late join");
        Convergence.await(source, destination, INITIAL_SYNC, broker, producer, consumer);
        System.out.printf("RepairKillSweepTest: the mirror exact after %.1f s%n", (System.nanoTime() - started) / 1e9);

        // Two kills a round, the second later in the same repair than the first (a producer killed
        // or cut off from its broker answers the listings again from the start).
        List<List<Strike>> rounds = List.of(
                List.of(new Strike(Victim.CONSUMER, Moment.ASKED, 1, false),
                        new Strike(Victim.PRODUCER, Moment.SENT_K, between(1, 100), false)),
                List.of(new Strike(Victim.PRODUCER, Moment.COMPARING_DIGESTS, 1, false),
                        new Strike(Victim.CONSUMER, Moment.LANDED_K, between(1, 90), true)),
                List.of(new Strike(Victim.BROKER, Moment.ASKED, 1, false),
                        new Strike(Victim.CONSUMER, Moment.DONE_SENT, 1, false)),
                List.of(new Strike(Victim.CONSUMER, Moment.LISTED, 1, true),
                        new Strike(Victim.BROKER, Moment.APPLIED_K, between(1, 150), false)),
                List.of(new Strike(Victim.PRODUCER, Moment.COMPARING_LISTINGS, 1, false),
                        new Strike(Victim.BROKER, Moment.DONE_SENT, 1, false)),
                List.of(new Strike(Victim.BROKER, Moment.COMPARING_LISTINGS, 1, false),
                        new Strike(Victim.PRODUCER, Moment.DONE_SENT, 1, false)),
                List.of(new Strike(Victim.BROKER, Moment.SENT_K, between(1, 150), false),
                        new Strike(Victim.PRODUCER, Moment.SENT_K, between(1, 150), false)));
        for (int round = 1; round <= rounds.size(); round++) {
            tamperRepairAndKill(round, rounds.get(round - 1));
        }
        consumer.close();
        assertThat(TreeSnapshot.of(destination)).as("the mirror once its consumer stopped")
                .isEqualTo(TreeSnapshot.of(source));
    }

    /**
     * Tampers with the mirror, asks for its repair and strikes at each moment of {@code strikes} in
     * turn, bringing each victim back before the next; then the mirror must be exact, and the
     * repair applied.
     */
    private void tamperRepairAndKill(int round, List<Strike> strikes) {
        long started = System.nanoTime();
        consumer.close();
        assertThat(TreeSnapshot.of(destination)).as("the mirror before round %d", round)
                .isEqualTo(TreeSnapshot.of(source));
        MirrorTampering tampering = MirrorTampering.of(destination, LARGE, TAMPERED, "r" + round, random);
        consumers.clear();
        producers.clear();
        producers.add(producer);
        sentBefore = producer.logLinesMatching(SENT).size();
        List<String> struck = new ArrayList<>();
        consumer = newConsumer(true);

        for (int i = 0; i < strikes.size(); i++) {
            Strike strike = strikes.get(i);
            struck.add(strike + " (" + strike(strike) + ")");
            changeWhatTheRepairIsAbout(tampering, i);
            bringBack(strike);
        }
        long back = System.nanoTime();

        String what = "round " + round + ": " + String.join(", then ", struck);
        if (consumerAsksAtStart) {
            // --repair asks once at start, after a repair in flight from before it is done.
            consumer.waitForLog(ASKED.pattern(), 1, CATCH_UP);
        }
        assertEveryRepairApplied(what);
        Convergence.await(source, destination, CATCH_UP, broker, producer, consumer);
        if (rsyncJudges) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, destination))
                    .as("what rsync would still do after %s", what).isEmpty();
        }
        Staging.assertEmpty(destination);
        System.out.printf("RepairKillSweepTest: %s; exact %.1f s after the last came back, round %.1f s%n", what,
                (System.nanoTime() - back) / 1e9, (System.nanoTime() - started) / 1e9);
    }

    /**
     * Waits for the strike's moment, counted from now in the log of the process that says it, kills
     * its victim there, and says what the repair had done by then.
     */
    private String strike(Strike strike) {
        FerryProcess witness = strike.moment().consumerSays ? consumer : producer;
        String knowsItsRepair = ASKED.pattern() + "|" + AWAITED.pattern();
        if (strike.moment().consumerSays && strike.moment() != Moment.ASKED
                && consumer.logLinesMatching(knowsItsRepair).isEmpty()) {
            // What a consumer applies before it asks is not the repair's.
            consumer.waitForLog(knowsItsRepair, 1, MOMENT_WAIT);
        }
        try {
            witness.waitForLog(strike.moment().line,
                    witness.logLinesMatching(strike.moment().line).size() + strike.count(), MOMENT_WAIT);
        } catch (AssertionError notThere) {
            assertNoRepairForgotten("waiting for " + strike); // The likelier reason, said first.
            throw notThere;
        }
        switch (strike.victim()) {
            case CONSUMER -> consumer.kill();
            case PRODUCER -> producer.kill();
            case BROKER -> broker.kill();
        }
        return linesOf(producers, SENT) - sentBefore + " events sent, " + linesOf(consumers, FerryLog.ANY_APPLIED)
                + " applied";
    }

    private static int linesOf(List<FerryProcess> processes, String regex) {
        return processes.stream().mapToInt(process -> process.logLinesMatching(regex).size()).sum();
    }

    private void bringBack(Strike strike) {
        switch (strike.victim()) {
            case CONSUMER -> {
                consumer = newConsumer(strike.againWithRepair());
                // Started: it has said whether it found a repair in flight.
                consumer.waitForLog(FerryLog.CONSUMER_STARTED, 1, MOMENT_WAIT);
            }
            case PRODUCER -> {
                producer = ferry.producer(source, "--batch-events", PRODUCER_BATCH_EVENTS);
                producers.add(producer);
            }
            case BROKER -> broker = ferry.restartBroker();
        }
    }

    /**
     * While the repair is interrupted, the source changes at the paths it is about, so that an event
     * of the repair still on its way is older than the change: files it sends again are rewritten, or
     * deleted, or get other permission bits; a file appears where it deletes an extra. The
     * {@code outage}-th of the round changes paths the others do not.
     */
    private void changeWhatTheRepairIsAbout(MirrorTampering tampering, int outage) {
        String tag = "outage " + (++outages);
        TestTrees.writeText(source.resolve(tampering.edited().get(2 * outage)), TestTrees.text(tag, 300 + outage));
        TestTrees.deleteTree(source.resolve(tampering.edited().get(2 * outage + 1)));
        TestTrees.appendText(source.resolve(tampering.touched().get(outage)), tag);
        TestTrees.mode(source.resolve(tampering.modes().get(outage)), "rwxr-x---");
        Path deletedDirectory = source.resolve(tampering.deletedDirectory());
        Path deletedInside = deletedDirectory.resolve(String.format("file-%03d.txt", outages));
        if (Files.exists(deletedInside)) { // An outage of an earlier round may have deleted it already.
            TestTrees.deleteTree(deletedInside);
        }
        TestTrees.writeText(deletedDirectory.resolve("new-" + outages + ".txt"), tag);
        TestTrees.writeText(source.resolve(tampering.extras().get(outage)), "now in the source too, " + tag);
        TestTrees.writeRandom(source.resolve(tampering.largeEdited()), LARGE_FILE + outage + 1, random.nextLong());
    }

    /**
     * Every repair the round's consumers asked for was applied: the last consumer that knew of it
     * (that asked for it, or found it in flight at its start) logged its done applied.
     */
    private void assertEveryRepairApplied(String when) {
        Map<String, FerryProcess> repairs = lastToKnowOfEachRepair();
        assertThat(repairs).as("the repairs asked for in %s%n%s", when, consumer.logTail()).isNotEmpty();
        assertNoRepairForgotten(when);
        repairs.forEach((id, knower) -> knower.waitForLog(applied(id), 1, CATCH_UP));
    }

    /**
     * No repair was in flight in a consumer that was killed, and unknown to the one started after
     * it: what DST/.ferry is there to remember.
     */
    private void assertNoRepairForgotten(String when) {
        lastToKnowOfEachRepair().forEach((id, knower) -> {
            if (!knower.isAlive() && knower.logLinesMatching(applied(id)).isEmpty()) {
                fail("in %s, repair %s was in flight when %s was killed, and the consumer started after it did not "
                        + "wait for it (DST/.ferry forgot it)%n%s", when, id, knower.name(), consumer.logTail());
            }
        });
    }

    /** Each repair the round's consumers asked for or waited for, by id, with the last consumer that knew of it. */
    private Map<String, FerryProcess> lastToKnowOfEachRepair() {
        Pattern known = Pattern.compile(ASKED.pattern() + "|" + AWAITED.pattern());
        Map<String, FerryProcess> lastToKnow = new LinkedHashMap<>();
        for (FerryProcess each : consumers) {
            for (String line : each.logLinesMatching(known.pattern())) {
                Matcher id = known.matcher(line);
                if (id.find()) {
                    lastToKnow.put(id.group(1) != null ? id.group(1) : id.group(2), each);
                }
            }
        }
        return lastToKnow;
    }

    private static String applied(String repair) {
        return "repair " + Pattern.quote(repair) + " of mirror 'default': \\d+ events applied";
    }

    private FerryProcess newConsumer(boolean repair) {
        FerryProcess started = repair ? ferry.consumer(destination, "--repair") : ferry.consumer(destination);
        consumers.add(started);
        consumerAsksAtStart = repair;
        return started;
    }

    private int between(int least, int most) {
        return least + random.nextInt(most - least + 1);
    }

    /** 1,000 small files in 10 directories, and a few large ones. */
    private Path aSourceOfSmallAndLargeFiles(Path root) {
        for (int d = 0; d < DIRECTORIES; d++) {
            TestTrees.manySmallFiles(root.resolve(String.format("d%02d", d)), FILES_PER_DIRECTORY);
        }
        for (int i = 0; i < LARGE_FILES; i++) {
            TestTrees.writeRandom(root.resolve(LARGE).resolve("large-" + i + ".bin"), LARGE_FILE, random.nextLong());
        }
        return root;
    }
}
