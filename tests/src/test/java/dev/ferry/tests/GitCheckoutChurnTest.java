package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

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
    private static final Duration VERIFY = Duration.ofSeconds(60);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private ProjectHistory history;

    @BeforeEach
    void theProjectsHistoryAndRsync() {
        history = ProjectHistory.ofThisProject();
        if (!Rsync.installed(ferry.workspace())) {
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
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, destination))
                    .as("what rsync would still do after checking out %s in %s", round, history).isEmpty();
            ferry.start("verify", "--source", source.toString(), "--dest", destination.toString())
                    .waitForSuccess(VERIFY);
        }
    }

    private List<String> checkouts(double... fractions) {
        return Arrays.stream(fractions).mapToObj(history::at).toList();
    }
}
