package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mirrors made exact by comparing the two sides, with the real processes over TCP: a tampered
 * mirror gets back exactly what was tampered with; a mirror that joins late gets the whole tree
 * from its repair, and no other mirror gets a message for it; a repair made while the source
 * changes ends exact; and a repair that nobody answers ends a drain with one line.
 *
 * <p>The tests share one broker and one producer of a source of 1,000 files in ten directories
 * (what they tamper with), in this order: mirror office is exact when the late mirror joins, and
 * tampered with after; the live changes of one test happen under {@code live/} only.
 */
@Timeout(value = 3, unit = MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // They share the mirrors and the source: late join first.
class MirrorRepairTest {

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration SYNC = Duration.ofSeconds(90);
    private static final int DIRECTORIES = 10;
    private static final int FILES_PER_DIRECTORY = 100;
    private static final String OFFICE = "office";
    /** The producer's line for each event a repair sent to a mirror: its kind, then its path. */
    private static final Pattern SENT_FOR_REPAIR = Pattern.compile("- sent (\\w+) \"([^\"]+)\".* for the repair of "
            + "mirror (\\S+)$");
    /** The consumer's line for each change it applied: its kind, then its path. */
    private static final Pattern APPLIED = Pattern.compile("- applied (\\w+) \"([^\"]+)\"");

    @RegisterExtension
    static final FerryHarness ferry = FerryHarness.perClass();

    static Path source;
    static Path office;
    static FerryProcess producer;

    @BeforeAll
    static void aSourceOfAThousandFilesItsProducerAndMirrorOfficeExact() {
        source = ferry.directory("source");
        for (int d = 0; d < DIRECTORIES; d++) {
            TestTrees.manySmallFiles(source.resolve("d" + d), FILES_PER_DIRECTORY);
        }
        producer = ferry.producer(source, "--mirror", OFFICE);
        producer.waitForLog(FerryLog.PRODUCER_WATCHING, 1, QUICK);
        office = ferry.directory("office");
        try (FerryProcess consumer = ferry.consumer(office, "--mirror", OFFICE)) {
            Convergence.await(source, office, SYNC, ferry.broker(), producer, consumer);
        }
    }

    @Test
    @Order(2)
    void aTamperedMirrorRepairedWithRepairDrainGetsBackExactlyTheFiftyPathsTamperedWith() throws Exception {
        Set<String> tampered = tamper(office);
        assertThat(tampered).hasSize(50);
        long sentBefore = producer.logLinesMatching(SENT_FOR_REPAIR.pattern()).size();
        long enqueuedBefore = enqueued(OFFICE);

        List<String> applied;
        try (FerryProcess repair = ferry.consumer(office, "--mirror", OFFICE, "--repair", "--drain")) {
            repair.waitForSuccess(SYNC);
            applied = repair.logLinesMatching(APPLIED.pattern());
            assertThat(repair.logLinesMatching("repair \\S+ of mirror 'office': 50 events applied")).hasSize(1);
        }

        assertThat(TreeSnapshot.of(office)).isEqualTo(TreeSnapshot.of(source));
        List<String> sent = producer.logLinesMatching(SENT_FOR_REPAIR.pattern()).stream().skip(sentBefore).toList();
        assertThat(sent).as("one event per path").hasSize(50);
        assertThat(pathsOf(sent, SENT_FOR_REPAIR)).as("what the producer sent for the repair")
                .containsExactlyInAnyOrderElementsOf(tampered);
        assertThat(sent).allMatch(line -> line.endsWith("for the repair of mirror " + OFFICE));
        assertThat(pathsOf(applied, APPLIED)).as("what the mirror applied")
                .containsExactlyInAnyOrderElementsOf(tampered);
        // 30 deletes and attributes travel one to a message, the 20 files' bodies in 1 to 20 bundles,
        // and the describe and the done make two more: nothing else reached the mirror's queue.
        long messages = enqueued(OFFICE) - enqueuedBefore;
        System.out.println("MirrorRepairTest: the repair of 50 paths took " + messages + " messages");
        assertThat(messages).as("messages sent to mirror office's queue").isBetween(33L, 52L);
    }

    @Test
    @Order(1)
    void aMirrorThatJoinsLateIsExactFromItsRepairAndTheOtherMirrorsQueueGetsNoMessageForIt() throws Exception {
        try (FerryProcess settle = ferry.consumer(office, "--mirror", OFFICE, "--drain")) {
            settle.waitForSuccess(QUICK);
        }
        assertThat(TreeSnapshot.of(office)).as("mirror office, exact before").isEqualTo(TreeSnapshot.of(source));
        long officeBefore = enqueued(OFFICE);
        Path late = ferry.directory("late");

        try (FerryProcess joining = ferry.consumer(late, "--mirror", "late")) {
            joining.waitForLog("repair \\S+ of mirror 'late': \\d+ events applied", 1, SYNC);
            Convergence.await(source, late, QUICK, ferry.broker(), producer, joining);
        }

        assertThat(enqueued(OFFICE)).as("messages mirror office's queue received meanwhile").isEqualTo(officeBefore);
    }

    @Test
    @Order(3)
    void aRepairWhileTheSourceChangesLiveEndsExactOnceTheSourceIsIdle() throws Exception {
        Path busy = ferry.directory("busy");
        RandomChanges changes = new RandomChanges(TestTrees.directory(source.resolve("live")), 14);
        for (int i = 0; i < 100; i++) {
            changes.next(); // Some of what the joining mirror gets from its repair is under live/.
        }
        String repaired = "repair \\S+ of mirror 'busy': \\d+ events applied";

        try (FerryProcess joining = ferry.consumer(busy, "--mirror", "busy")) {
            long deadline = System.nanoTime() + SYNC.toNanos();
            int made = 0;
            // Changes before the request, while it is answered, and after its done.
            while (made < 400 || joining.logLinesMatching(repaired).isEmpty()) {
                assertThat(System.nanoTime() - deadline).as("the repair is done within " + SYNC).isNegative();
                changes.next();
                if (++made % 20 == 0) {
                    Thread.sleep(50);
                }
            }
            Convergence.await(source, busy, SYNC, ferry.broker(), producer, joining);
        }
    }

    @Test
    @Order(4)
    void aRepairDrainThatNoProducerAnswersExitsWithOneLineAfterTheRepairTimeout() throws IOException {
        Path unanswered = ferry.directory("unanswered");
        long started = System.nanoTime();

        try (FerryProcess drain = ferry.consumer(unanswered, "--queue", "nobody.produces", "--repair", "--drain",
                "--repair-timeout", "3s")) {
            assertThat(drain.waitForExit(QUICK)).as(drain.logTail()).isEqualTo(1);
            assertThat(drain.stderr().lines().filter(line -> line.startsWith("ferry:")).toList()).containsExactly(
                    "ferry: no producer answered the repair request of mirror default within 3 s (is a producer of "
                            + "queue nobody.produces running?)");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICK);
    }

    /**
     * Tampers with 50 files of {@code mirror}, 10 each way: edited keeping size and time, deleted,
     * added, given other permission bits, touched; the directories keep their times, so that those
     * 50 paths are all that differ. Their paths.
     */
    private static Set<String> tamper(Path mirror) throws IOException {
        Map<Path, FileTime> directoryTimes = new HashMap<>();
        for (int d = 0; d < DIRECTORIES; d++) {
            directoryTimes.put(mirror.resolve("d" + d), Files.getLastModifiedTime(mirror.resolve("d" + d)));
        }
        Set<String> tampered = new TreeSet<>();
        for (int i = 0; i < 10; i++) {
            String edited = file(i, 1);
            Path path = mirror.resolve(edited);
            FileTime time = Files.getLastModifiedTime(path);
            byte[] content = Files.readAllBytes(path);
            content[0] = (byte) (content[0] == 'X' ? 'Y' : 'X');
            Files.write(path, content);
            Files.setLastModifiedTime(path, time);

            String deleted = file(i, 2);
            Files.delete(mirror.resolve(deleted));

            String extra = "d" + i + "/extra-" + i + ".txt";
            Files.writeString(mirror.resolve(extra), "not in the source\n", StandardCharsets.UTF_8);

            String chmodded = file(i, 3);
            TestTrees.mode(mirror.resolve(chmodded), "rw-------");

            String touched = file(i, 4);
            TestTrees.mtime(mirror.resolve(touched), Instant.now().plus(Duration.ofDays(1)));

            tampered.addAll(List.of(edited, deleted, extra, chmodded, touched));
        }
        for (Map.Entry<Path, FileTime> directory : directoryTimes.entrySet()) {
            Files.setLastModifiedTime(directory.getKey(), directory.getValue());
        }
        return tampered;
    }

    private static String file(int directory, int number) {
        return String.format("d%d/file-%03d.txt", directory, number);
    }

    private static Set<String> pathsOf(List<String> lines, Pattern pattern) {
        Set<String> paths = new TreeSet<>();
        for (String line : lines) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                paths.add(matcher.group(2));
            }
        }
        return paths;
    }

    /** How many messages mirror {@code mirror}'s queue of the default stream has received. */
    private static long enqueued(String mirror) throws Exception {
        try (QueueClient broker = QueueClient.connect(ferry.brokerUrl())) {
            return broker.enqueued(WireFormat.mirrorQueueOf(mirror, WireFormat.DEFAULT_QUEUE));
        }
    }
}
