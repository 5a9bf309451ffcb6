package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15's proof that a delta survives a crash of the consumer assembling it: a 32 MiB file,
 * changed all over (many DeltaChunk messages, committed by the producer a few at a time), and the
 * consumer killed (-9) at a moment of the assembly that moves on each round: when its new body
 * first appears in staging, when it is a quarter, half, three quarters, all of its size, and just
 * after it is moved into place (before the transaction commits, if the kill is quick enough: then
 * the delta comes again after its file landed, its base already replaced). Started again, the
 * consumer must make the mirror exact, as {@link TreeSnapshot} and rsync judge it, with nothing
 * left staged and nothing dead-lettered. In half the rounds the source changes again while the
 * consumer is down, so that the next delta is made against a version the mirror does not hold yet.
 *
 * <p>The content comes from a seed, printed first: {@code -Dferry.sweep.seed=N} replays a run.
 */
@Timeout(value = 4, unit = MINUTES)
class DeltaKillSweepTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final String FILE = "vm/disk.qcow2";
    private static final long SIZE = 32L * MIB;
    /**
     * Regions rewritten per change, spread evenly over the file: some 8 MiB of literal bytes, 16 or more
     * messages at the producer's 512 KiB chunks (64 regions made only 9 once chunks grew from 256 KiB).
     */
    private static final int REGIONS = 128;
    private static final int REGION = 32 * KIB;
    /** What a delta of that change takes at least: many DeltaChunks, so that a kill falls between two. */
    private static final long MIN_MESSAGES = 10;
    /** Small producer transactions, so that the delta's messages are committed, and arrive, a few at a time. */
    private static final String PRODUCER_BATCH_EVENTS = "2";
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration MOMENT_WAIT = Duration.ofSeconds(30);
    private static final String DEAD_LETTERED = "dead-lettered message ";
    private static final String KEPT = "already holds the content of its delta";

    /** When the consumer is killed, by what the mirror shows of the delta being assembled. */
    private enum Moment {
        PART_APPEARS(0), PART_QUARTER(0.25), PART_HALF(0.5), PART_THREE_QUARTERS(0.75), PART_WHOLE(1), LANDED(-1);

        /** The fraction of the new size the staged body has reached; negative: the file landed. */
        final double staged;

        Moment(double staged) {
            this.staged = staged;
        }
    }

    /** One kill, at {@code moment}; the source changes again while the consumer is down if {@code changeWhileDown}. */
    private record Round(Moment moment, boolean changeWhileDown) {
    }

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private Path source;
    private Path mirror;
    private FerryProcess broker;
    private FerryProcess producer;
    private FerryProcess consumer;
    private long seed;
    private boolean rsyncJudges;

    @Test
    void aConsumerKilledAtAnyMomentOfAssemblingALargeDeltaMakesTheMirrorExactWhenStartedAgain() {
        long started = System.nanoTime();
        rsyncJudges = Rsync.judges(ferry.workspace(), "DeltaKillSweepTest");
        seed = Long.getLong("ferry.sweep.seed", System.nanoTime());
        System.out.println("DeltaKillSweepTest: seed " + seed + " (replay with -Dferry.sweep.seed=" + seed + ")");
        source = ferry.directory("source");
        TestTrees.writeRandom(source.resolve(FILE), SIZE, seed);
        mirror = ferry.directory("mirror");
        broker = ferry.broker();
        producer = ferry.producer(source, "--batch-events", PRODUCER_BATCH_EVENTS);
        consumer = ferry.consumer(mirror);
        assertExact("the first sync");

        // Each moment once, then the moments around the move into place again, the other way round:
        // with or without a change while the consumer is down.
        List<Round> rounds = List.of(new Round(Moment.PART_APPEARS, false), new Round(Moment.PART_QUARTER, true),
                new Round(Moment.PART_HALF, false), new Round(Moment.PART_THREE_QUARTERS, true),
                new Round(Moment.PART_WHOLE, false), new Round(Moment.LANDED, true),
                new Round(Moment.PART_WHOLE, true), new Round(Moment.LANDED, false));
        List<String> struckMidway = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            String what = killAndRestart(i + 1, rounds.get(i).moment(), rounds.get(i).changeWhileDown());
            if (what.contains("mid-assembly")) {
                struckMidway.add(what);
            }
        }
        consumer.close();
        assertThat(TreeSnapshot.of(mirror)).as("the mirror once its consumer stopped")
                .isEqualTo(TreeSnapshot.of(source));
        assertThat(ferry.messagesDeadLettered()).as("messages dead-lettered").isZero();
        // The sweep is only worth its time if kills fell inside assemblies, not only after them.
        assertThat(struckMidway).as("rounds whose kill fell while a body was being assembled").hasSizeGreaterThan(2);
        System.out.printf("DeltaKillSweepTest: %d rounds in %.1f s%n", rounds.size(),
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * Changes the file all over, kills the consumer at {@code moment} of assembling its delta, changes
     * it again while the consumer is down when {@code changeWhileDown}, starts the consumer again and
     * checks the mirror is exact. Says what the kill struck.
     */
    private String killAndRestart(int round, Moment moment, boolean changeWhileDown) {
        long started = System.nanoTime();
        Path copy = mirror.resolve(FILE);
        Object baseKey = fileKey(copy);
        int published = producer.logLinesMatching(FerryLog.publishedDelta(FILE)).size();
        long enqueued = enqueued();
        changeAllOver(round);

        String struck = strike(moment, copy, baseKey);
        producer.waitForLog(FerryLog.publishedDelta(FILE), published + 1, MOMENT_WAIT);
        if (changeWhileDown) {
            changeAllOver(100 + round);
            producer.waitForLog(FerryLog.publishedDelta(FILE), published + 2, MOMENT_WAIT);
        }
        FerryProcess killed = consumer;
        consumer = ferry.consumer(mirror);
        String what = String.format("round %d: killed at %s, %s%s", round, moment, struck,
                changeWhileDown ? ", changed again while down" : "");
        assertExact(what);
        long messages = enqueued() - enqueued;
        assertThat(messages).as("messages of the delta(s) in %s", what).isGreaterThanOrEqualTo(MIN_MESSAGES);
        what += ", " + messages + " messages";
        assertThat(killed.logLinesMatching(DEAD_LETTERED)).as("dead letters before the kill in %s", what).isEmpty();
        if (!consumer.logLinesMatching(KEPT).isEmpty()) {
            what += " (the delta came again after its file landed; kept)";
        }
        System.out.printf("DeltaKillSweepTest: %s; exact in %.1f s%n", what, (System.nanoTime() - started) / 1e9);
        return what;
    }

    /** Rewrites {@link #REGIONS} regions spread over the whole file, the size kept. */
    private void changeAllOver(int change) {
        Random random = new Random(seed + change);
        long spacing = SIZE / REGIONS;
        for (int i = 0; i < REGIONS; i++) {
            long offset = i * spacing + random.nextInt((int) (spacing - REGION));
            FileEdits.overwrite(source.resolve(FILE), offset, REGION, random.nextLong());
        }
    }

    /**
     * Waits for {@code moment} of the assembly of the file's next version, watching the staging area
     * and the mirror's file as closely as the machine allows, kills the consumer there, and says what
     * the kill found: a body staged (how far), or the file landed.
     */
    private String strike(Moment moment, Path copy, Object baseKey) {
        long deadline = System.nanoTime() + MOMENT_WAIT.toNanos();
        long largestSeen = -1;
        while (System.nanoTime() < deadline) {
            if (!consumer.isAlive()) {
                fail("%s exited before %s%n%s", consumer.name(), moment, consumer.logTail());
            }
            boolean landed = !Objects.equals(fileKey(copy), baseKey);
            long staged = Staging.parts(mirror).values().stream().mapToLong(Long::longValue).max().orElse(-1);
            largestSeen = Math.max(largestSeen, staged);
            boolean there = moment == Moment.LANDED ? landed
                    : landed || staged >= 0 && staged >= moment.staged * SIZE;
            if (there) {
                consumer.kill();
                if (landed) {
                    return "the file landed" + (moment != Moment.LANDED ? " already (the largest body staged seen: "
                            + largestSeen + " bytes)" : "");
                }
                return "mid-assembly, " + staged + " of " + SIZE + " bytes staged";
            }
            LockSupport.parkNanos(200_000);
        }
        fail("%s of the delta of %s did not come within %s%n%s", moment, FILE, MOMENT_WAIT, consumer.logTail());
        return null;
    }

    private void assertExact(String after) {
        Convergence.await(source, mirror, SYNC, broker, producer, consumer);
        if (rsyncJudges) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, mirror))
                    .as("what rsync would still do after %s", after).isEmpty();
        }
        Staging.awaitEmpty(mirror, Duration.ofSeconds(5));
        assertThat(consumer.logLinesMatching(DEAD_LETTERED)).as("dead letters after %s", after).isEmpty();
    }

    /** The messages the mirror's queue received since the broker started. */
    private long enqueued() {
        try (QueueClient client = QueueClient.connect(ferry.brokerUrl())) {
            return client.enqueued(QueueClient.DEFAULT_MIRROR_QUEUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot ask the broker for its statistics", e);
        }
    }

    /** The identity of the file (device and inode), which moving a new body into place changes; null when absent. */
    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + file, e);
        }
    }
}
