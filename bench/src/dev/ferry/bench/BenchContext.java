package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What every scenario needs: the mode, a work directory, the process launcher, Ferry's command and earlier results. */
final class BenchContext {

    /** Bound of every wait on a copy: generous, so only a hang trips it. */
    private static final Duration BASE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TIMEOUT_PER_FILE = Duration.ofMillis(100);
    private static final Duration TIMEOUT_PER_MIB = Duration.ofSeconds(2);

    final Mode mode;
    /** Runs per tool and scenario: the mode's, unless {@code --runs} says otherwise. */
    final int repetitions;
    final Path work;
    final Launcher launcher;
    final FerryCommand ferry;
    final Tools tools;
    final Map<Integer, ScenarioResult> earlier;
    /** Ferry's repository, whose sources scenario 9 copies; null when not given. */
    final Path repository;

    BenchContext(Mode mode, int repetitions, Path work, Launcher launcher, FerryCommand ferry, Tools tools,
                 Map<Integer, ScenarioResult> earlier, Path repository) {
        this.mode = mode;
        this.repetitions = repetitions;
        this.work = work;
        this.launcher = launcher;
        this.ferry = ferry;
        this.tools = tools;
        this.earlier = earlier;
        this.repository = repository;
    }

    /** An empty directory {@code name} under the work directory (emptied if it was there). */
    Path freshDir(String name) throws IOException, InterruptedException {
        Path dir = work.resolve(name);
        remove(dir);
        return Files.createDirectories(dir);
    }

    /** A path under the work directory that does not exist (removed if it did). */
    Path absentPath(String name) throws InterruptedException {
        Path path = work.resolve(name);
        remove(path);
        return path;
    }

    void remove(Path path) throws InterruptedException {
        if (Files.exists(path)) {
            launcher.run("rm", List.of("rm", "-rf", "--", path.toString()), Duration.ofMinutes(10));
        }
    }

    /**
     * Writes every dirty page to disk before a measured run, so that the write-back of the run
     * before (say, an rsync without --fsync) is not paid by the run that follows it.
     */
    void settleDisk() throws InterruptedException {
        launcher.run("sync", List.of("sync"), Duration.ofMinutes(10));
    }

    Duration timeoutForFiles(long files) {
        return BASE_TIMEOUT.plus(TIMEOUT_PER_FILE.multipliedBy(files));
    }

    Duration timeoutForBytes(long bytes) {
        return BASE_TIMEOUT.plus(TIMEOUT_PER_MIB.multipliedBy(bytes >> 20));
    }

    static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
