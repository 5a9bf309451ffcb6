package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Churn that no one on the team designed: this project's own repository, cloned into a watched
 * source and checked out at commits far apart in its history, several back to back without
 * waiting, so that hundreds of files are added, deleted and rewritten at once. After each round,
 * once the mirror is idle, rsync finds nothing to do and {@code ferry verify} finds them equal.
 *
 * <p>The clone's {@code .git} lies inside the source and is replicated too, deliberately: a checkout
 * rewrites its index and HEAD by renaming a lock file over them, and the clone writes its packs
 * once, large; that is the workload of anyone who mirrors a directory with repositories in it.
 *
 * <p>Needs the history (see {@link ProjectHistory}) and rsync; without them it is skipped, or fails
 * where {@code FERRY_REQUIRE_GIT_HISTORY=1}.
 */
@Timeout(value = 4, unit = MINUTES)
class GitCheckoutChurnTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration CONVERGENCE = Duration.ofSeconds(90);
    private static final Duration RSYNC = Duration.ofSeconds(60);
    private static final Duration VERIFY = Duration.ofSeconds(60);
    /** rsync's line for the root directory when only its modification time differs. */
    private static final String ROOT_TIME_ONLY = ".d..t...... ./";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private ProjectHistory history;

    @BeforeEach
    void theProjectsHistoryAndRsync() {
        history = ProjectHistory.ofThisProject();
        try {
            Command.run(ferry.workspace(), RSYNC, "rsync", "--version").orFail();
        } catch (UncheckedIOException notInstalled) {
            ProjectHistory.unavailable("rsync is not installed (apt-get install rsync)");
        }
    }

    @Test
    void checkoutsFarApartInThisProjectsHistoryLeaveAnExactMirror() {
        Path source = ferry.directory("source");
        Path destination = ferry.directory("destination");
        FerryProcess consumer = ferry.consumer(destination);
        FerryProcess producer = ferry.producer(source);
        producer.waitForLog(FerryLog.PRODUCER_WATCHING, 1, STARTUP);
        FerryProcess[] running = {ferry.broker(), consumer, producer};

        Path clone = history.cloneInto(source.resolve("ferry"));
        // Fractions of the way from the first commit to HEAD: jumps far apart, and a walk through
        // the history in ten steps, each taken while the mirror is still busy with the last.
        List<List<String>> rounds = List.of(
                checkouts(0, 0.5, 1),
                checkouts(0.1, 0.75, 0),
                checkouts(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1),
                checkouts(0.3, 0.05, 1));
        for (List<String> round : rounds) {
            for (String commit : round) {
                ProjectHistory.checkout(clone, commit);
            }
            Convergence.await(source, destination, CONVERGENCE, running);
            assertThat(rsyncItemized(source, destination))
                    .as("what rsync would still do after checking out %s in %s", round, history).isEmpty();
            ferry.start("verify", "--source", source.toString(), "--dest", destination.toString())
                    .waitForSuccess(VERIFY);
        }
    }

    private List<String> checkouts(double... fractions) {
        return Arrays.stream(fractions).mapToObj(history::at).toList();
    }

    /**
     * What {@code rsync -ainc --dry-run --delete} would do to make the mirror the source, one line
     * each, but for the modification time of the root itself: Ferry replicates what is in the root,
     * and the root of a mirror is where the consumer keeps {@code .ferry}, so its time is the
     * consumer's (as {@code ferry verify} and TreeSnapshot, which leave the root out, agree).
     */
    private List<String> rsyncItemized(Path source, Path destination) {
        // Excluded on both sides: the consumer's bookkeeping in DST is neither compared nor deleted.
        String itemized = Command.run(ferry.workspace(), RSYNC, "rsync", "-ainc", "--dry-run", "--delete",
                "--exclude=/.ferry", source + "/", destination + "/").orFail().out();
        return itemized.lines().filter(line -> !line.equals(ROOT_TIME_ONLY)).toList();
    }
}
