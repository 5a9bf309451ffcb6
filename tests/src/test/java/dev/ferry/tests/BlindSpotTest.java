package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18, no silent blind spots: what the producer's watcher cannot see still reaches the mirror.
 * <ul>
 * <li>A producer whose inotify watch limit is below the tree's number of directories (a user
 *     namespace of its own, where {@code user.max_inotify_watches} is lowered for it alone) says
 *     once which limit to raise and by how much, rescans the directories it cannot watch, and
 *     watches them once the limit is raised.</li>
 * <li>A producer that falls so far behind that the kernel's queue of its events overflows (stopped
 *     with SIGSTOP while more events happen than fs.inotify.max_queued_events) compares the whole
 *     tree instead of losing them, and watches anew, so that a directory made meanwhile is watched.</li>
 * </ul>
 */
@Timeout(value = 3, unit = MINUTES)
class BlindSpotTest {

    /** Fewer than the tree's directories, more than a few: the first directories walked are watched. */
    private static final int WATCH_LIMIT = 30;
    private static final int TOP_DIRECTORIES = 40;
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final String CANNOT_WATCH = "cannot watch \\d+ of the \\d+ directories of ";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void directoriesBeyondTheWatchLimitAreRescannedAndWhatChangesInThemReachesTheMirror() throws Exception {
        assumeTrue(UserNamespace.available(), "no user namespaces here (unshare --user --map-root-user failed)");
        Path source = ferry.directory("source");
        for (int d = 0; d < TOP_DIRECTORIES; d++) {
            TestTrees.writeText(source.resolve("d" + d + "/deeper/file.txt"), "first version of " + d + "\n");
        }
        Path mirror = ferry.directory("mirror");
        FerryProcess consumer = ferry.consumer(mirror);
        FerryProcess producer = ferry.startUnder(UserNamespace.withInotifyWatches(WATCH_LIMIT), "producer",
                "--source", source.toString(), "--broker", ferry.brokerUrl(),
                "--state", ferry.workspace().resolve("producer-state").toString(), "--rescan-interval", "2s");
        Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
        producer.waitForLog(CANNOT_WATCH, 1, SYNC);

        // In every directory, watched or not, a file changes and one is added one level down.
        for (int d = 0; d < TOP_DIRECTORIES; d++) {
            TestTrees.writeText(source.resolve("d" + d + "/deeper/file.txt"), "second version of " + d + "\n");
            TestTrees.writeText(source.resolve("d" + d + "/deeper/new/added.txt"), "added to " + d + "\n");
        }
        Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);

        List<String> said = producer.logLinesMatching(CANNOT_WATCH);
        assertThat(said).as("what the producer said of the directories it cannot watch").hasSize(1);
        // 1 + 40 × 2 directories, then 40 more, which cannot be watched either: still said once.
        assertThat(said.get(0)).contains("of the " + (1 + 2 * TOP_DIRECTORIES) + " directories of " + source)
                .contains("User limit of inotify watches reached")
                .contains("user.max_inotify_watches allows " + WATCH_LIMIT)
                .contains("sudo sysctl user.max_inotify_watches=")
                .contains("every 2 s");
        System.out.println("BlindSpotTest: " + said.get(0));
        String status = ferry.awaitStatus("the directories not watched", out -> out.lines().anyMatch(line ->
                line.startsWith("producer ") && line.matches(".*; \\d+ directories not watched .*")), SYNC);
        System.out.println("BlindSpotTest: ferry status said " + status.lines()
                .filter(line -> line.startsWith("producer ")).findFirst().orElseThrow());

        // Raised as the producer advised: it watches them all from its next look on.
        UserNamespace.setInotifyWatches(producer.pid(), 10 * WATCH_LIMIT);
        producer.waitForLog("the inotify watch limit was raised: watching \\d+ directories of .* that were not "
                + "watched$", 1, SYNC);
        TestTrees.writeText(source.resolve("d" + (TOP_DIRECTORIES - 1) + "/deeper/new/watched now.txt"), "watched\n");
        Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
        ferry.awaitStatus("no directory left unwatched", out -> out.lines().anyMatch(line ->
                line.startsWith("producer ") && !line.contains("not watched")), SYNC);
    }

    @Test
    void aWatcherWhoseEventQueueOverflowedComparesTheWholeTreeAndLosesNothing() throws Exception {
        Path source = ferry.directory("source");
        TestTrees.writeText(source.resolve("before.txt"), "published before the overflow\n");
        Path mirror = ferry.directory("mirror");
        FerryProcess consumer = ferry.consumer(mirror);
        FerryProcess producer = ferry.producer(source);
        Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);

        long queued = queuedEventsLimit();
        assumeTrue(queued <= 1_000_000, "fs.inotify.max_queued_events is " + queued + ": too many events to overflow");
        signal(producer, "STOP");
        try {
            // More events than the kernel queues for the stopped producer: the events after them,
            // those of the files and the directory that stay, are dropped.
            Path churn = source.resolve("churn.tmp");
            for (long i = 0; i < queued / 2 + 2000; i++) {
                Files.createFile(churn);
                Files.delete(churn);
            }
            for (int i = 0; i < 3; i++) {
                TestTrees.writeText(source.resolve("after the overflow " + i + ".txt"), "its event was dropped\n");
            }
            Files.createDirectories(source.resolve("made during the overflow"));
        } finally {
            signal(producer, "CONT");
        }
        Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
        assertThat(producer.logLinesMatching("lost events \\(its event queue overflowed\\); watching anew"))
                .as("what the producer said when its watcher's queue overflowed%n%s", producer.logTail()).isNotEmpty();

        // The directory whose creation went unheard is watched: what is written into it later arrives.
        TestTrees.writeText(source.resolve("made during the overflow/written after.txt"), "heard\n");
        Convergence.await(source, mirror, SYNC, ferry.broker(), producer, consumer);
    }

    /** The kernel's limit of events queued per inotify instance. */
    private static long queuedEventsLimit() throws IOException {
        try (var reader = Files.newBufferedReader(Path.of("/proc/sys/fs/inotify/max_queued_events"))) {
            return Long.parseLong(reader.readLine().trim());
        }
    }

    private static void signal(FerryProcess process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %s", signal, process)
                .isTrue();
    }
}
