package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ferry} command running in its own JVM, the way a user runs it: {@code java -jar
 * ferry.jar ...}, with stdout and stderr captured in log files so a failing test can show what the
 * process said.
 *
 * <p>No process outlives the test JVM: every started process is remembered until it is closed, and
 * a shutdown hook kills the ones still open (by PID), so even a test that dies halfway leaves no
 * broker behind holding a port.
 */
final class FerryProcess implements AutoCloseable {

    static final String DEFAULT_HEAP = "256m";

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final int TAIL_LINES = 40;
    private static final Set<FerryProcess> OPEN = new LinkedHashSet<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(FerryProcess::killAllOpen, "ferry-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private FerryProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code java <the launcher's options> -Xmx<maxHeap> -jar <jar> <args>} in {@code workDir}, logging to
     * {@code logDir/<name>.out} and {@code .err}.
     */
    static FerryProcess start(String name, Path jar, String maxHeap, List<String> args, Path workDir, Path logDir) {
        return startUnder(List.of(), name, jar, maxHeap, args, workDir, logDir);
    }

    /**
     * The same, run by {@code prefix} (a program that ends by executing the rest of its command line
     * in its own process, as {@code unshare} does without {@code --fork}, so that the PID held is still
     * the JVM's).
     */
    static FerryProcess startUnder(List<String> prefix, String name, Path jar, String maxHeap, List<String> args,
                                   Path workDir, Path logDir) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LauncherJvm.options(jar));
        command.addAll(List.of(
                "-Xmx" + maxHeap,
                // An out-of-memory error should end the process visibly, not leave it limping on.
                "-XX:+ExitOnOutOfMemoryError",
                "-jar", jar.toString()));
        command.addAll(args);
        return launch(name, command, workDir, logDir, environment -> {
            // The broker must be the one on the command line, not the caller's.
            environment.keySet().removeIf(key -> key.startsWith("FERRY_"));
            // Whatever a command keeps by default in the user's data directory stays in the test's.
            environment.put("XDG_DATA_HOME", workDir.resolve("xdg-data").toString());
        });
    }

    /**
     * Starts a program that is not a ferry command (the ActiveMQ distribution's broker, say), with
     * {@code environment} added to this JVM's and its output logged like a ferry command's. It is
     * remembered, closed and reaped exactly like one; {@code command[0]} must be the process to
     * signal, not a script that forks it, or killing it would leave the real program running.
     */
    static FerryProcess startProgram(String name, List<String> command, Map<String, String> environment,
                                     Path workDir, Path logDir) {
        return launch(name, command, workDir, logDir, env -> env.putAll(environment));
    }

    /** Starts {@code command} with its output in {@code logDir}, and remembers it so it is always reaped. */
    private static FerryProcess launch(String name, List<String> command, Path workDir, Path logDir,
                                       java.util.function.Consumer<Map<String, String>> environment) {
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // Java takes the encoding of file names from the locale: without UTF-8 it cannot name
        // "ünïcødé ☃.txt".
        builder.environment().put("LC_ALL", "C.UTF-8");
        environment.accept(builder.environment());
        try {
            Files.createDirectories(logDir);
            FerryProcess started = new FerryProcess(name, builder.start(), out, err);
            // Nothing is ever typed into these programs; end of input right away.
            started.process.getOutputStream().close();
            synchronized (OPEN) {
                OPEN.add(started);
            }
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for a line of stdout matching {@code regex}; fails if it does not come in time or the process ends first. */
    MatchResult waitForOutput(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exitedBefore = !process.isAlive();
            for (String line : read(stdout).split("\n")) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher.toMatchResult();
                }
            }
            if (exitedBefore) {
                return fail("%s exited with %d before printing a line matching /%s/%n%s",
                        name, process.exitValue(), regex, logTail());
            }
            if (System.nanoTime() > deadline) {
                return fail("%s printed no line matching /%s/ within %s%n%s", name, regex, timeout, logTail());
            }
            pause();
        }
    }

    /** Waits for the process to end and returns its exit code; fails if it is still running after {@code timeout}. */
    int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return fail("%s did not exit within %s%n%s", name, timeout, logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for %s to exit", name);
        }
    }

    /** Waits for the process to end and fails, with the log tail, unless it exited with 0. */
    void waitForSuccess(Duration timeout) {
        int code = waitForExit(timeout);
        if (code != 0) {
            fail("%s exited with %d, expected 0%n%s", name, code, logTail());
        }
    }

    /** What the process printed on stdout so far. */
    String stdout() {
        return read(stdout);
    }

    /** What the process printed on stderr so far. */
    String stderr() {
        return read(stderr);
    }

    /** The last lines of both logs, for failure messages. */
    String logTail() {
        String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
        return "---- " + name + " (pid " + pid() + ", " + state + ") stdout: " + stdout + "\n" + tail(stdout())
                + "---- " + name + " stderr: " + stderr + "\n" + tail(stderr());
    }

    /** Kills the process at once (SIGKILL), the way a crash or a power cut would. */
    void kill() {
        process.destroyForcibly();
        awaitDeath(GRACE);
    }

    /** Asks the process to stop (SIGTERM), and kills it if it has not stopped after a grace period. */
    @Override
    public void close() {
        process.destroy();
        if (!awaitDeath(GRACE)) {
            process.destroyForcibly();
            awaitDeath(GRACE);
        }
        synchronized (OPEN) {
            OPEN.remove(this);
        }
    }

    /** Closes every process still open, newest first: what a test started and did not stop. */
    static void closeAllOpen() {
        for (FerryProcess process : newestFirst()) {
            process.close();
        }
    }

    private static void killAllOpen() {
        for (FerryProcess process : newestFirst()) {
            process.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.process.destroyForcibly();
        }
    }

    private static List<FerryProcess> newestFirst() {
        synchronized (OPEN) {
            List<FerryProcess> open = new ArrayList<>(OPEN);
            Collections.reverse(open);
            return open;
        }
    }

    private boolean awaitDeath(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - TAIL_LINES);
        StringBuilder tail = new StringBuilder();
        for (int i = from; i < lines.length; i++) {
            tail.append("  ").append(lines[i]).append('\n');
        }
        return tail.toString();
    }

    private static String read(Path log) {
        try {
            // Lenient decoding: a log with a broken byte must still be shown.
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Asks the process to stop (SIGTERM) and returns at once, so the test can time the stop and
     * read the exit code itself ({@link #waitForExit}).
     */
    void requestStop() {
        process.destroy();
    }

    /** The lines of the log (stderr, where a ferry command logs) that match {@code regex}. */
    List<String> logLinesMatching(String regex) {
        return linesMatching(stderr(), regex);
    }

    /** The lines of stdout that match {@code regex}: where a program such as the ActiveMQ distribution logs. */
    List<String> outputLinesMatching(String regex) {
        return linesMatching(stdout(), regex);
    }

    /**
     * Waits until at least {@code count} lines of the log (stderr) match {@code regex}; fails if
     * they do not come in time or the process ends first.
     */
    void waitForLog(String regex, int count, Duration timeout) {
        waitForLines(this::logLinesMatching, regex, count, timeout);
    }

    /** {@link #waitForLog} for stdout, where a program such as the ActiveMQ distribution logs. */
    void waitForOutput(String regex, int count, Duration timeout) {
        waitForLines(this::outputLinesMatching, regex, count, timeout);
    }

    private void waitForLines(Function<String, List<String>> matching, String regex, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exitedBefore = !process.isAlive();
            int seen = matching.apply(regex).size();
            if (seen >= count) {
                return;
            }
            if (exitedBefore) {
                fail("%s exited with %d after logging %d of %d lines matching /%s/%n%s",
                        name, process.exitValue(), seen, count, regex, logTail());
            }
            if (System.nanoTime() > deadline) {
                fail("%s logged %d of %d lines matching /%s/ within %s%n%s", name, seen, count, regex, timeout,
                        logTail());
            }
            pause();
        }
    }

    private static List<String> linesMatching(String text, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return text.lines().filter(line -> pattern.matcher(line).find()).toList();
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
