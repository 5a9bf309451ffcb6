package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15's delta transfer, end to end (broker, producer and consumer each a process of its own,
 * over TCP): a large file changed in the middle, at the start and at the end, and cut short, crosses
 * the broker as little more than its changes, and the mirror is exact after each, as {@link
 * TreeSnapshot} and rsync judge it; a mirror file edited, cut short or removed behind Ferry's back is
 * not the base of the next delta, so the consumer asks for a repair, which sends it whole, and
 * nothing is dead-lettered; a large file renamed, then changed, ends exact too.
 *
 * <p>What a change costs on the wire is what the broker says its mirror queue received meanwhile
 * ({@link QueueClient#bytesEnqueued}), not Ferry's own count. The tests share one broker, producer
 * and consumer, each working on a file of its own.
 */
@Timeout(value = 3, unit = MINUTES)
class DeltaTransferTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration QUICK = Duration.ofSeconds(10);
    /**
     * What a change may cost on the wire beyond the bytes changed: the chunks around it are sent
     * whole (a 16 MiB file's chunks average 16 KiB, at most 64 KiB), plus the messages' headers.
     */
    private static final long OVERHEAD = 512 * KIB;

    private static final String IMAGE = "disk.img";
    private static final long IMAGE_SIZE = 16L * MIB;
    private static final String EDITED = "mailbox.mbox";
    private static final String RENAMED_FROM = "dumps/monday.sql";
    private static final String RENAMED_TO = "dumps/tuesday.sql";
    private static final String RENAMED_AGAIN = "dumps/wednesday.sql";
    private static final long OTHER_SIZE = 4L * MIB;

    /** The consumer's warning when a mirror file is not the base of its delta. */
    private static final String NOT_THE_BASE = "WARN .* is not the version its delta \\(seq \\d+\\) was made from";
    private static final String DEAD_LETTERED = "dead-lettered message ";
    private static final String REPAIRED = "repair \\S+ of mirror 'default': \\d+ events applied";

    @RegisterExtension
    static final FerryHarness ferry = FerryHarness.perClass();

    private static Path source;
    private static Path mirror;
    private static Path scratch;
    private static boolean rsyncJudges;
    private static FerryProcess[] running;
    private static FerryProcess consumer;

    @BeforeAll
    static void largeFilesMirroredExactly() {
        rsyncJudges = Rsync.judges(ferry.workspace(), "DeltaTransferTest");
        source = ferry.directory("source");
        TestTrees.writeRandom(source.resolve(IMAGE), IMAGE_SIZE, 15);
        TestTrees.writeRandom(source.resolve(EDITED), OTHER_SIZE, 16);
        TestTrees.writeRandom(source.resolve(RENAMED_FROM), OTHER_SIZE, 17);
        mirror = ferry.directory("mirror");
        scratch = ferry.directory("scratch");
        FerryProcess producer = ferry.producer(source);
        consumer = ferry.consumer(mirror);
        running = new FerryProcess[] {ferry.broker(), producer, consumer};
        assertExact("the first sync");
        // The measure itself: the first sync sent every byte of the files.
        assertThat(bytesEnqueued()).as("bytes through the broker for the first sync")
                .isGreaterThan(IMAGE_SIZE + 2 * OTHER_SIZE);
    }

    @Test
    void aLargeFileChangedInTheMiddleAtTheStartAndAtTheEndCrossesAsLittleMoreThanItsChanges() {
        Path image = source.resolve(IMAGE);

        long rewritten = byDelta(IMAGE, "64 KiB rewritten in the middle",
                () -> FileEdits.overwrite(image, IMAGE_SIZE / 2 - 32 * KIB, 64 * KIB, 1));
        long inserted = byDelta(IMAGE, "1000 bytes inserted near the start",
                () -> FileEdits.insert(image, 4 * KIB, 1000, 2, scratch));
        long appended = byDelta(IMAGE, "1 MiB appended", () -> FileEdits.append(image, MIB, 3));
        long truncated = byDelta(IMAGE, "2 MiB cut off the end", () -> truncate(image, IMAGE_SIZE + 1000 - MIB));

        assertThat(rewritten).as("bytes through the broker for 64 KiB rewritten").isLessThan(64 * KIB + OVERHEAD);
        assertThat(inserted).as("bytes through the broker for 1000 bytes inserted").isLessThan(1000 + OVERHEAD);
        assertThat(appended).as("bytes through the broker for 1 MiB appended").isLessThan(MIB + OVERHEAD);
        assertThat(truncated).as("bytes through the broker for 2 MiB cut off").isLessThan(OVERHEAD);
    }

    @Test
    void aMirrorFileEditedResizedOrRemovedBehindFerrysBackIsRepairedWholeWhenTheNextDeltaDoesNotFitIt() {
        Path copy = mirror.resolve(EDITED);
        Map<String, Runnable> tamperings = new LinkedHashMap<>();
        tamperings.put("a bit flipped in the middle, size and time kept",
                () -> MirrorTampering.editKeepingSizeAndTime(copy));
        tamperings.put("cut short by 1000 bytes", () -> truncate(copy, OTHER_SIZE - 1000));
        tamperings.put("removed", () -> TestTrees.deleteTree(copy));
        int change = 0;
        for (Map.Entry<String, Runnable> tampering : tamperings.entrySet()) {
            tampering.getValue().run();
            int warned = consumer.logLinesMatching(NOT_THE_BASE).size();
            int repaired = consumer.logLinesMatching(REPAIRED).size();
            int published = running[1].logLinesMatching(FerryLog.publishedDelta(EDITED)).size();

            // Away from the middle: a delta applied to the edited file would carry its flipped bit over.
            FileEdits.overwrite(source.resolve(EDITED), 256 * KIB + change++ * 64 * KIB, 4 * KIB, 4 + change);

            running[1].waitForLog(FerryLog.publishedDelta(EDITED), published + 1, SYNC);
            consumer.waitForLog(NOT_THE_BASE, warned + 1, SYNC);
            consumer.waitForLog(REPAIRED, repaired + 1, SYNC);
            assertExact("a delta of a mirror file " + tampering.getKey() + ", and its repair");
        }
    }

    @Test
    void aLargeFileRenamedAndThenChangedIsExact() throws IOException {
        Files.move(source.resolve(RENAMED_FROM), source.resolve(RENAMED_TO));
        assertExact("the rename");
        long changed = byDelta(RENAMED_TO, "64 KiB rewritten after the rename",
                () -> FileEdits.overwrite(source.resolve(RENAMED_TO), MIB, 64 * KIB, 5));
        assertThat(changed).as("bytes through the broker for 64 KiB rewritten").isLessThan(64 * KIB + OVERHEAD);

        // Renamed and changed at once: the producer may see both in one look.
        Files.move(source.resolve(RENAMED_TO), source.resolve(RENAMED_AGAIN));
        FileEdits.overwrite(source.resolve(RENAMED_AGAIN), 2 * MIB, 64 * KIB, 6);
        assertExact("a rename and a change at once");
    }

    /**
     * Makes {@code change} to the file at {@code path}, waits until its delta is applied and the
     * mirror is exact, and returns what it cost on the wire: the bytes the mirror's queue received.
     */
    private static long byDelta(String path, String change, Runnable edit) {
        int applied = consumer.logLinesMatching(FerryLog.appliedDelta(path)).size();
        long before = bytesEnqueued();
        edit.run();
        assertExact(change);
        consumer.waitForLog(FerryLog.appliedDelta(path), applied + 1, QUICK);
        long cost = bytesEnqueued() - before;
        System.out.printf("DeltaTransferTest: %s of %s: %,d bytes through the broker%n", change, path, cost);
        return cost;
    }

    private static void truncate(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate " + file + " to " + size + " bytes", e);
        }
    }

    private static void assertExact(String after) {
        Convergence.await(source, mirror, SYNC, running);
        if (rsyncJudges) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, mirror))
                    .as("what rsync would still do after %s", after).isEmpty();
        }
        assertThat(consumer.logLinesMatching(DEAD_LETTERED)).as("dead letters by %s", after).isEmpty();
    }

    /** The broker's count, as {@code ferry status} shows it, beside the consumer's log: once a test, it costs a JVM. */
    @AfterEach
    void nothingDeadLettered() {
        assertThat(ferry.messagesDeadLettered()).as("messages dead-lettered").isZero();
    }

    private static long bytesEnqueued() {
        try (QueueClient broker = QueueClient.connect(ferry.brokerUrl())) {
            return broker.bytesEnqueued(QueueClient.DEFAULT_MIRROR_QUEUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException("cannot ask the broker for its statistics", e);
        }
    }
}
