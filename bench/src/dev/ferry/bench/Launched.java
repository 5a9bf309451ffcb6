package dev.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A child process started by {@link Launcher}: its output goes to a log file; it is ended by its PID. */
final class Launched {

    private static final Duration POLL = Duration.ofMillis(10);
    private static final Duration TERM_GRACE = Duration.ofSeconds(15);
    private static final int TAIL_LINES = 15;

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path log;
    private final Instant startedAt;

    /** @param startedAt the wall-clock time just before the process was started */
    Launched(String name, List<String> command, Process process, Path log, Instant startedAt) {
        this.name = name;
        this.command = List.copyOf(command);
        this.process = process;
        this.log = log;
        this.startedAt = startedAt;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** The wall-clock time just before the process was started: what its own log's times compare with. */
    Instant startedAt() {
        return startedAt;
    }

    /** The file its output goes to, to read line by line when it is too long to read whole. */
    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit; a process still running after {@code timeout} is killed and reported. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            stop();
            throw new BenchException(name + " (pid " + pid() + ") did not exit within " + seconds(timeout)
                    + "; killed it" + tail());
        }
        return process.exitValue();
    }

    /** Waits for the process to exit with status 0, else fails with the end of its output. */
    void awaitSuccess(Duration timeout) throws InterruptedException {
        int status = awaitExit(timeout);
        if (status != 0) {
            throw new BenchException(name + " exited with status " + status + ": " + String.join(" ", command)
                    + tail());
        }
    }

    /** Waits until the output contains {@code text}; fails if the process exits first or the time is up. */
    void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive() && !output().contains(text)) {
                throw new BenchException(name + " exited (status " + process.exitValue() + ") before printing '"
                        + text + "'" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException(name + " did not print '" + text + "' within " + seconds(timeout) + tail());
            }
            pause(POLL);
        }
    }

    /** Everything the process printed so far, stdout and stderr together. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new BenchException("cannot read the output of " + name + " in " + log + ": " + e.getMessage());
        }
    }

    /** The high-water mark of the resident set (VmHWM) in KiB, or -1 once the process is gone. */
    long peakRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // Gone between the check and the read: nothing to measure any more.
        }
        return -1;
    }

    /** Asks the process to end (SIGTERM to its PID), and kills it (SIGKILL) if it has not within 15 s. */
    void stop() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The last lines of the output, to put in a failure message. */
    String tail() {
        List<String> lines = output().lines().toList();
        List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return last.isEmpty() ? " (no output)" : "; its output ends with:\n    " + String.join("\n    ", last);
    }

    static void pause(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
        if (Thread.interrupted()) {
            throw new BenchException("interrupted");
        }
    }

    static String seconds(Duration duration) {
        return duration.toMillis() / 1000.0 + " s";
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
