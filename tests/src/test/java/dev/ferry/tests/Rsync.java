package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * rsync as users judge a mirror with: the second judge beside {@link TreeSnapshot}, which knows
 * nothing of Ferry's own comparison.
 */
final class Rsync {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** rsync's line for the root directory when only its modification time differs. */
    private static final String ROOT_TIME_ONLY = ".d..t...... ./";
    /** How rsync's line for a symlink starts when only the link's own modification time differs. */
    private static final String SYMLINK_TIME_ONLY = ".L..t...... ";

    private Rsync() {
    }

    /** Whether rsync can be run here. */
    static boolean installed(Path workDir) {
        try {
            Command.run(workDir, TIMEOUT, "rsync", "--version").orFail();
            return true;
        } catch (UncheckedIOException notInstalled) {
            return false;
        }
    }

    /**
     * Whether rsync is here to judge a mirror beside {@link TreeSnapshot}. A bare machine may lack
     * it: TreeSnapshot alone judges then, unless {@code FERRY_REQUIRE_RSYNC=1} (which {@code .ci/run}
     * sets) makes a missing rsync a failure.
     */
    static boolean judges(Path workDir, String test) {
        if (installed(workDir)) {
            return true;
        }
        assertThat(System.getenv("FERRY_REQUIRE_RSYNC")).as("rsync is installed (apt-get install rsync)")
                .isNotEqualTo("1");
        System.out.println(test + ": no rsync here; TreeSnapshot alone judges the mirror");
        return false;
    }

    /**
     * What {@code rsync -ainc --dry-run --delete} would do to make the mirror the source, one line
     * each, but for the modification time of the root itself: Ferry replicates what is in the root,
     * and the root of a mirror is where the consumer keeps {@code .ferry}, so its time is the
     * consumer's (as {@code ferry verify} and TreeSnapshot, which leave the root out, agree). Nor
     * the modification time of a symlink itself, which Ferry does not replicate (README, "Checking
     * a mirror"): its target still counts.
     */
    static List<String> itemizedChanges(Path workDir, Path source, Path destination) {
        // Excluded on both sides: the consumer's bookkeeping in DST is neither compared nor deleted.
        String itemized = Command.run(workDir, TIMEOUT, "rsync", "-ainc", "--dry-run", "--delete",
                "--exclude=/" + TreeSnapshot.RESERVED, source + "/", destination + "/").orFail().out();
        return itemized.lines().filter(line -> !line.equals(ROOT_TIME_ONLY) && !line.startsWith(SYMLINK_TIME_ONLY))
                .toList();
    }
}
