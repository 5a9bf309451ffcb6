package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.writeText;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several mirrors of one source through {@code ferry broker}, each its own process over TCP: every
 * mirror receives every change, also while it is down; a destination is one mirror for good, and a
 * second consumer of a mirror is a standby; what a producer of before mirrors left is not lost.
 */
@Timeout(value = 4, unit = MINUTES)
class MirrorsTest {

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final int REFUSED = 1;

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void twoMirrorsOneOfThemDownWhileTheSourceChanges500TimesAreBothExactAfterwards() {
        long seed = Long.getLong("ferry.mirrors.seed", new SecureRandom().nextLong());
        TwoMirrors.oneAwayWhileTheSourceChanges(ferry, TwoMirrors.Logins.anonymous(), seed);
    }

    @Test
    void aDestinationIsOneMirrorOfOneQueueAndRefusesAnyOtherWithOneLine() throws IOException {
        Path office = ferry.directory("office").toRealPath();
        ferry.consumer(office, "--mirror", "office", "--drain").waitForSuccess(QUICK);

        FerryProcess other = ferry.consumer(office, "--drain");
        assertThat(other.waitForExit(QUICK)).as(other.logTail()).isEqualTo(REFUSED);
        assertThat(other.stderr().lines().toList()).containsExactly("ferry: " + office + " belongs to mirror 'office' "
                + "of queue ferry.changes (" + office.resolve(".ferry/mirror") + "); use --mirror office, or another --dest");

        FerryProcess otherQueue = ferry.consumer(office, "--mirror", "office", "--queue", "photos", "--drain");
        assertThat(otherQueue.waitForExit(QUICK)).as(otherQueue.logTail()).isEqualTo(REFUSED);
        assertThat(otherQueue.stderr()).endsWith("; use --queue ferry.changes, or another --dest\n").hasLineCount(1);

        FerryProcess running = ferry.consumer(office, "--mirror", "office");
        running.waitForLog(FerryLog.CONSUMER_STARTED, 1, QUICK);
        FerryProcess second = ferry.consumer(office, "--mirror", "office", "--drain");
        assertThat(second.waitForExit(QUICK)).as(second.logTail()).isEqualTo(REFUSED);
        assertThat(second.stderr().lines().toList()).containsExactly("ferry: another consumer is already applying to "
                + office + " (it holds " + office.resolve(".ferry/lock") + ")");
    }

    @Test
    void aDestinationReplicatedBeforeMirrorsIsAdoptedAsMirrorDefaultAndOnlyAsIt() throws IOException {
        Path old = destinationOfBeforeMirrors("old");

        FerryProcess office = ferry.consumer(old, "--mirror", "office", "--drain");
        assertThat(office.waitForExit(QUICK)).as(office.logTail()).isEqualTo(REFUSED);
        assertThat(office.stderr()).startsWith("ferry: " + old + " belongs to mirror 'default' of queue ferry.changes "
                + "(replicated before mirrors: ").endsWith("; use --mirror default, or another --dest\n");
        assertThat(old.resolve(".ferry/mirror")).as("a refusal claims nothing").doesNotExist();

        FerryProcess adopting = ferry.consumer(old, "--drain");
        adopting.waitForSuccess(QUICK);
        assertThat(adopting.logLinesMatching("was replicated before mirrors existed: it is mirror 'default' of queue "
                + Pattern.quote(WireFormat.DEFAULT_QUEUE) + " from now on")).hasSize(1);
        FerryProcess again = ferry.consumer(old, "--drain");
        again.waitForSuccess(QUICK);
        assertThat(again.logLinesMatching("replicated before mirrors")).as("said once").isEmpty();
    }

    @Test
    void aConsumerSaysOnceWhenItsMirrorsQueueIsNewAndWarnsWhenAKnownMirrorsQueueIsGone() throws IOException {
        Path office = ferry.directory("office").toRealPath();
        String newQueue = "mirror 'office' has a queue on broker .* from now on";
        String goneQueue = "WARN .* the queue of mirror 'office' \\(Consumer\\.office\\.VirtualTopic\\.ferry\\.changes\\) "
                + "was not on broker .*: what was published while it was missing never reaches " + Pattern.quote(office.toString());

        FerryProcess first = ferry.consumer(office, "--mirror", "office", "--drain");
        first.waitForSuccess(QUICK);
        assertThat(first.logLinesMatching(newQueue)).as(first.logTail()).hasSize(1);
        FerryProcess again = ferry.consumer(office, "--mirror", "office", "--drain");
        again.waitForSuccess(QUICK);
        assertThat(again.logLinesMatching(newQueue)).as("its queue is there now").isEmpty();
        assertThat(again.logLinesMatching("WARN")).isEmpty();

        ferry.broker().kill();
        TestTrees.deleteTree(ferry.workspace().resolve("broker-data")); // a broker that lost its data
        ferry.restartBroker();
        FerryProcess afterLoss = ferry.consumer(office, "--mirror", "office", "--drain");
        afterLoss.waitForSuccess(QUICK);
        assertThat(afterLoss.logLinesMatching(goneQueue)).as(afterLoss.logTail()).hasSize(1);
    }

    @Test
    void aSecondConsumerOfAMirrorAppliesNothingWhileTheFirstRunsAndTakesOverWhenItIsKilled() throws IOException {
        Path source = TestTrees.manySmallFiles(ferry.directory("source"), 20);
        Path first = ferry.directory("first");
        Path standby = ferry.directory("standby");
        FerryProcess broker = ferry.broker();
        FerryProcess producer = ferry.producer(source, "--mirror", "office");
        FerryProcess active = ferry.consumer(first, "--mirror", "office");
        active.waitForLog(FerryLog.CONSUMER_STARTED, 1, QUICK);
        FerryProcess waiting = ferry.consumer(standby, "--mirror", "office");
        waiting.waitForLog(FerryLog.CONSUMER_STARTED, 1, QUICK);

        Convergence.await(source, first, SYNC, broker, producer, active, waiting);
        writeText(source.resolve("while both run.txt"), "one consumer applies this\n");
        Convergence.await(source, first, SYNC, broker, producer, active, waiting);
        assertThat(waiting.logLinesMatching(FerryLog.ANY_APPLIED)).as("the standby applied").isEmpty();
        assertThat(TreeSnapshot.of(standby).paths()).isEmpty();

        active.kill();
        writeText(source.resolve("after the first died.txt"), "the standby applies this\n");

        waiting.waitForLog(FerryLog.appliedPut("after the first died.txt"), 1, SYNC);
        assertThat(standby.resolve("after the first died.txt")).hasContent("the standby applies this");
        assertThat(first.resolve("after the first died.txt")).doesNotExist();
    }

    @Test
    void whatAProducerOfBeforeMirrorsLeftOnTheQueueIsAppliedByMirrorDefaultAfterTheUpgrade() throws Exception {
        Path old = destinationOfBeforeMirrors("old");
        long seq = System.currentTimeMillis() * 1000;
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            for (int i = 1; i <= 3; i++) {
                byte[] body = ("left by an older producer " + i + "\n").getBytes(UTF_8);
                queue.send(WireFormat.DEFAULT_QUEUE, queue.encode(putFile("backlog/" + i + ".txt", seq + i, body), body));
            }
        }
        FerryProcess status = ferry.start("status", "--broker", ferry.brokerUrl());
        status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        assertThat(status.stdout()).contains("queue of before mirrors ferry.changes: 3 waiting, 0 consumers, ");

        ferry.consumer(old, "--drain").waitForSuccess(QUICK);

        for (int i = 1; i <= 3; i++) {
            assertThat(old.resolve("backlog/" + i + ".txt")).hasContent("left by an older producer " + i);
        }
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            assertThat(queue.browse(WireFormat.DEFAULT_QUEUE)).isEmpty();
        }
    }

    /**
     * A destination as a consumer of before mirrors leaves it: applied to (it has a ledger), with no
     * {@code .ferry/mirror}.
     */
    private Path destinationOfBeforeMirrors(String name) throws IOException {
        Path destination = ferry.directory(name).toRealPath();
        ferry.consumer(destination, "--drain").waitForSuccess(QUICK);
        Files.delete(destination.resolve(".ferry/mirror"));
        assertThat(destination.resolve(".ferry/ledger.journal")).exists();
        return destination;
    }

    private static ChangeEvent.PutFile putFile(String path, long seq, byte[] body) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        return new ChangeEvent.PutFile(RelPath.of(path), seq, 0, body.length, body.length, sha, 0644,
                System.currentTimeMillis() * 1_000_000);
    }
}
