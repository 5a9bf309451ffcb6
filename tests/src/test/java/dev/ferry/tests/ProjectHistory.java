package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * This project's own git history as a workload that nobody designed: the repository the tests
 * run in, cloned, and its commits from the first to {@code HEAD}.
 *
 * <p>A checkout without history (a shallow clone, an exported tree, no git) skips the tests that
 * need it, with the reason, unless {@code FERRY_REQUIRE_GIT_HISTORY=1}, which {@code .ci/run} sets
 * where its checkout has the whole history: then a missing history is a failure, so the tests can
 * never pass by not running (as {@code FERRY_REQUIRE_DOCKER} does for the Docker tests).
 */
final class ProjectHistory {

    static final String REQUIRE = "FERRY_REQUIRE_GIT_HISTORY";
    static final int MIN_COMMITS = 20;
    private static final Duration GIT = Duration.ofSeconds(60);

    private final Path repository;
    /** Oldest first. */
    private final List<String> commits;

    private ProjectHistory(Path repository, List<String> commits) {
        this.repository = repository;
        this.commits = commits;
    }

    /** The history of the repository the test runs in, if it has at least {@link #MIN_COMMITS} commits. */
    static ProjectHistory ofThisProject() {
        Path here = Path.of("").toAbsolutePath();
        Command top;
        try {
            top = Command.run(here, GIT, "git", "rev-parse", "--show-toplevel");
        } catch (UncheckedIOException noGit) {
            return unavailable("git is not installed (" + noGit.getCause().getMessage() + ")");
        }
        if (top.code() != 0) {
            return unavailable(here + " is not in a git repository (" + top.stderr().strip() + ")");
        }
        Path repository = Path.of(top.out().strip());
        if (git(repository, "rev-parse", "--is-shallow-repository").out().strip().equals("true")) {
            return unavailable(repository + " is a shallow clone; its history is cut short");
        }
        List<String> commits = git(repository, "rev-list", "--reverse", "HEAD").out().lines().toList();
        if (commits.size() < MIN_COMMITS) {
            return unavailable(repository + " has " + commits.size() + " commits, fewer than " + MIN_COMMITS);
        }
        return new ProjectHistory(repository, commits);
    }

    /**
     * Skips the test for {@code why}, or fails it if {@code FERRY_REQUIRE_GIT_HISTORY=1}: for any
     * prerequisite of a test that works on this history.
     */
    static <T> T unavailable(String why) {
        if ("1".equals(System.getenv(REQUIRE))) {
            return fail("%s=1, yet %s", REQUIRE, why);
        }
        Assumptions.abort(why + ": skipped; " + REQUIRE + "=1 makes that a failure");
        throw new AssertionError("unreachable: Assumptions.abort throws");
    }

    List<String> commits() {
        return commits;
    }

    /** The commit {@code fraction} of the way from the first (0) to {@code HEAD} (1). */
    String at(double fraction) {
        return commits.get((int) Math.round(fraction * (commits.size() - 1)));
    }

    /** A clone in {@code directory}, with every object copied (no hard links) and nothing checked out yet. */
    Path cloneInto(Path directory) {
        git(directory.getParent(), "clone", "--quiet", "--no-hardlinks", "--no-checkout",
                repository.toString(), directory.toString());
        return directory;
    }

    /** Checks out {@code commit} in {@code clone}, discarding whatever the work tree holds. */
    static void checkout(Path clone, String commit) {
        git(clone, "checkout", "--quiet", "--force", "--detach", commit);
    }

    private static Command git(Path directory, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        return Command.run(directory, GIT, command).orFail();
    }

    @Override
    public String toString() {
        return commits.size() + " commits of " + repository;
    }
}
