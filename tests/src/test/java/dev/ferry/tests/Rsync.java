package dev.ferry.tests;

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
     * What {@code rsync -ainc --dry-run --delete} would do to make the mirror the source, one line
     * each, but for the modification time of the root itself: Ferry replicates what is in the root,
     * and the root of a mirror is where the consumer keeps {@code .ferry}, so its time is the
     * consumer's (as {@code ferry verify} and TreeSnapshot, which leave the root out, agree).
     */
    static List<String> itemizedChanges(Path workDir, Path source, Path destination) {
        // Excluded on both sides: the consumer's bookkeeping in DST is neither compared nor deleted.
        String itemized = Command.run(workDir, TIMEOUT, "rsync", "-ainc", "--dry-run", "--delete",
                "--exclude=/" + TreeSnapshot.RESERVED, source + "/", destination + "/").orFail().out();
        return itemized.lines().filter(line -> !line.equals(ROOT_TIME_ONLY)).toList();
    }
}
