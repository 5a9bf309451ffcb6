package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
 * <p>Each round tampers heavily with the exact mirror ({@link MirrorTampering}: a few hundred
 * events to send back), starts a consumer with {@code --repair}, waits for a line the processes log
 * anyway (the request sent, the producer comparing, the k-th event sent or applied, the done sent),
 * kills one process there, changes in the source the very paths the repair is about while it is
 * down, and starts it again: the mirror must end equal to the newest source, so no event of the
 * interrupted repair may overwrite a newer state.
 *
 * <p>The k of each round comes from a seed, printed first: {@code -Dferry.sweep.seed=N} replays a
 * run.
 */
@Timeout(value = 5, unit = MINUTES)
class RepairKillSweepTest {

    private static final Duration INITIAL_SYNC = Duration.ofSeconds(60);
    private static final Duration MOMENT_WAIT = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final int DIRECTORIES = 20;
    private static final int FILES_PER_DIRECTORY = 100;
    private static final String LARGE = "large";
    private static final int LARGE_FILES = 4;
    private static final long LARGE_FILE = 3L * 1024 * 1024 / 2;
    /** Files tampered with of each kind: with a directory of 100 deleted, about 250 events to send back. */
    private static final int TAMPERED = 25;
    /** Small producer transactions, so the repair's events are committed in many steps, each a moment to strike at. */
    private static final String PRODUCER_BATCH_EVENTS = "10";

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
            String when = count > 1 ? moment + " " + count : moment.toString();
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
    /** The consumers of the round under way, the first one first. */
    private final List<FerryProcess> consumers = new ArrayList<>();

    @Test
    void aRepairInterruptedByKillingTheBrokerProducerOrConsumerAtAnyMomentStillMakesTheMirrorExact() {
        long seed = Long.getLong("ferry.sweep.seed", System.nanoTime());
        System.out.println("RepairKillSweepTest: seed " + seed + " (replay with -Dferry.sweep.seed=" + seed + ")");
        random = new Random(seed);
        assertThat(Rsync.installed(ferry.workspace())).as("rsync is installed (apt-get install rsync)").isTrue();
        source = aSourceOfSmallAndLargeFiles(ferry.directory("source"));
        destination = ferry.directory("destination");
        broker = ferry.broker();
        producer = ferry.producer(source, "--batch-events", PRODUCER_BATCH_EVENTS);
        consumer = newConsumer(false); // A new destination: it joins late, and repairs by itself.
        Convergence.await(source, destination, INITIAL_SYNC, broker, producer, consumer);
        assertEveryRepairApplied("the late join");

        List<Strike> sweep = List.of(
                new Strike(Victim.CONSUMER, Moment.ASKED, 1, false),
                new Strike(Victim.CONSUMER, Moment.LISTED, 1, true),
                new Strike(Victim.CONSUMER, Moment.APPLIED_K, between(1, 60), false),
                new Strike(Victim.CONSUMER, Moment.APPLIED_K, between(60, 180), true),
                new Strike(Victim.CONSUMER, Moment.DONE_SENT, 1, false),
                new Strike(Victim.PRODUCER, Moment.COMPARING_DIGESTS, 1, false),
                new Strike(Victim.PRODUCER, Moment.COMPARING_LISTINGS, 1, false),
                new Strike(Victim.PRODUCER, Moment.SENT_K, between(1, 80), false),
                new Strike(Victim.PRODUCER, Moment.SENT_K, between(80, 180), false),
                new Strike(Victim.PRODUCER, Moment.DONE_SENT, 1, false),
                new Strike(Victim.BROKER, Moment.ASKED, 1, false),
                new Strike(Victim.BROKER, Moment.COMPARING_LISTINGS, 1, false),
                new Strike(Victim.BROKER, Moment.APPLIED_K, between(1, 180), false),
                new Strike(Victim.BROKER, Moment.DONE_SENT, 1, false));
        for (int round = 1; round <= sweep.size(); round++) {
            tamperRepairAndKill(round, sweep.get(round - 1));
        }
        consumer.close();
        assertThat(TreeSnapshot.of(destination)).as("the mirror once its consumer stopped")
                .isEqualTo(TreeSnapshot.of(source));
    }

    private void tamperRepairAndKill(int round, Strike strike) {
        long started = System.nanoTime();
        consumer.close();
        assertThat(TreeSnapshot.of(destination)).as("the mirror before round %d", round)
                .isEqualTo(TreeSnapshot.of(source));
        MirrorTampering tampering = MirrorTampering.of(destination, LARGE, TAMPERED, "r" + round, random);
        consumers.clear();
        int sentBefore = producer.logLinesMatching(SENT).size();
        int saidBefore = strike.moment().consumerSays ? 0 : producer.logLinesMatching(strike.moment().line).size();
        consumer = newConsumer(true);

        String struck = strike(strike, saidBefore, sentBefore);
        long killed = System.nanoTime();
        changeWhatTheRepairIsAbout(tampering, round);
        bringBack(strike);

        Convergence.await(source, destination, CATCH_UP, broker, producer, consumer);
        assertEveryRepairApplied("round " + round + ", " + strike);
        Convergence.await(source, destination, CATCH_UP, broker, producer, consumer);
        assertThat(Rsync.itemizedChanges(ferry.workspace(), source, destination))
                .as("what rsync would still do after round %d, %s", round, strike).isEmpty();
        Staging.assertEmpty(destination);
        System.out.printf("RepairKillSweepTest: round %d, %s (%s): exact %.1f s after the kill, round %.1f s%n",
                round, strike, struck, (System.nanoTime() - killed) / 1e9, (System.nanoTime() - started) / 1e9);
    }

    /**
     * Waits for the strike's moment, kills its victim there, and says what the repair had done by
     * then; the producer said the moment's line {@code saidBefore} times before the round.
     */
    private String strike(Strike strike, int saidBefore, int sentBefore) {
        FerryProcess witness = strike.moment().consumerSays ? consumer : producer;
        int count = strike.count() + saidBefore;
        if (strike.moment() == Moment.APPLIED_K) {
            consumer.waitForLog(ASKED.pattern(), 1, MOMENT_WAIT); // What it applied before it asked is not the repair's.
            count += consumer.logLinesMatching(FerryLog.ANY_APPLIED).size();
        }
        witness.waitForLog(strike.moment().line, count, MOMENT_WAIT);
        switch (strike.victim()) {
            case CONSUMER -> consumer.kill();
            case PRODUCER -> producer.kill();
            case BROKER -> broker.kill();
        }
        return (producer.logLinesMatching(SENT).size() - sentBefore) + " events sent, "
                + consumers.get(0).logLinesMatching(FerryLog.ANY_APPLIED).size() + " applied";
    }

    private void bringBack(Strike strike) {
        switch (strike.victim()) {
            case CONSUMER -> consumer = newConsumer(strike.againWithRepair());
            case PRODUCER -> producer = ferry.producer(source, "--batch-events", PRODUCER_BATCH_EVENTS);
            case BROKER -> broker = ferry.restartBroker();
        }
    }

    /**
     * While the repair is interrupted, the source changes at the paths it is about, so that an event
     * of the repair still on its way is older than the change: files it sends again are rewritten, or
     * deleted, or get other permission bits; a file appears where it deletes an extra.
     */
    private void changeWhatTheRepairIsAbout(MirrorTampering tampering, int round) {
        String tag = "round " + round;
        TestTrees.writeText(source.resolve(tampering.edited().get(0)), TestTrees.text(tag, 300 + round));
        TestTrees.appendText(source.resolve(tampering.touched().get(0)), tag);
        TestTrees.mode(source.resolve(tampering.modes().get(0)), "rwxr-x---");
        TestTrees.deleteTree(source.resolve(tampering.edited().get(1)));
        Path deletedDirectory = source.resolve(tampering.deletedDirectory());
        TestTrees.deleteTree(deletedDirectory.resolve(String.format("file-%03d.txt", round)));
        TestTrees.writeText(deletedDirectory.resolve("new-in-" + round + ".txt"), tag);
        TestTrees.writeText(source.resolve(tampering.extras().get(0)), "now in the source too, " + tag);
        TestTrees.writeRandom(source.resolve(tampering.largeEdited()), LARGE_FILE + round, random.nextLong());
    }

    /**
     * Every repair the round's consumers asked for was applied: the last consumer that knew of it
     * (that asked for it, or found it in flight at its start) logged its done applied. One that a
     * consumer started after a kill forgot is named here.
     */
    private void assertEveryRepairApplied(String when) {
        Map<String, FerryProcess> lastToKnow = new LinkedHashMap<>();
        for (FerryProcess each : consumers) {
            for (String line : each.logLinesMatching(ASKED.pattern() + "|" + AWAITED.pattern())) {
                Matcher id = Pattern.compile(ASKED.pattern() + "|" + AWAITED.pattern()).matcher(line);
                if (id.find()) {
                    lastToKnow.put(id.group(1) != null ? id.group(1) : id.group(2), each);
                }
            }
        }
        assertThat(lastToKnow).as("the repairs asked for in %s%n%s", when, consumer.logTail()).isNotEmpty();
        for (Map.Entry<String, FerryProcess> repair : lastToKnow.entrySet()) {
            String applied = "repair " + Pattern.quote(repair.getKey()) + " of mirror 'default': \\d+ events applied";
            FerryProcess knower = repair.getValue();
            if (!knower.isAlive() && knower.logLinesMatching(applied).isEmpty()) {
                fail("in %s, repair %s was in flight when %s was killed, and no consumer started after it waited "
                        + "for it (DST/.ferry forgot it)%n%s", when, repair.getKey(), knower.name(), consumer.logTail());
            }
            knower.waitForLog(applied, 1, CATCH_UP);
        }
    }

    private FerryProcess newConsumer(boolean repair) {
        FerryProcess started = repair ? ferry.consumer(destination, "--repair") : ferry.consumer(destination);
        consumers.add(started);
        return started;
    }

    private int between(int least, int most) {
        return least + random.nextInt(most - least + 1);
    }

    /** 2,000 small files in 20 directories, and a few large ones. */
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
