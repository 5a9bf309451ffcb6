package dev.ferry.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program other than Ferry (find, git, rsync) run to its end, within a bound, for its output. Its
 * output goes to files rather than pipes, so a program that hangs or says a lot can neither block
 * the test nor outlast the bound.
 *
 * @param command what ran
 * @param code    its exit status
 * @param stdout  what it printed on stdout, as bytes: file names need not be text
 * @param stderr  what it printed on stderr
 */
record Command(List<String> command, int code, byte[] stdout, String stderr) {

    /**
     * Runs {@code command} in {@code directory}, without the caller's {@code GIT_*} variables (a
     * test run from a git hook would otherwise send every git command to the caller's repository).
     *
     * @throws UncheckedIOException when the program cannot be started (not installed, say)
     */
    static Command run(Path directory, Duration timeout, String... command) {
        return run(directory, timeout, Map.of(), command);
    }

    /** The same, with {@code environment} set over this JVM's. */
    static Command run(Path directory, Duration timeout, Map<String, String> environment, String... command) {
        List<String> args = List.of(command);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("ferry-command-", ".out");
            err = Files.createTempFile("ferry-command-", ".err");
            ProcessBuilder builder = new ProcessBuilder(args).directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("GIT_"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return fail("`%s` did not finish within %s", String.join(" ", args), timeout);
            }
            return new Command(args, process.exitValue(), Files.readAllBytes(out),
                    new String(Files.readAllBytes(err), UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run `" + String.join(" ", args) + "`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running `" + String.join(" ", args) + "`", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** This, if the program exited with 0; otherwise fails with its exit status and what it said. */
    Command orFail() {
        if (code != 0) {
            fail("`%s` exited with %d: %s", String.join(" ", command), code, stderr.strip());
        }
        return this;
    }

    /** What it printed on stdout, as UTF-8 text. */
    String out() {
        return new String(stdout, UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary file is not worth failing a test for.
        }
    }
}
