package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way the benchmark starts processes: each with its output in its own numbered log file,
 * each remembered so that whatever happens, {@link #close()} ends the ones still running by PID.
 */
final class Launcher implements AutoCloseable {

    private final Path logDir;
    private final AtomicInteger started = new AtomicInteger();
    private final List<Launched> running = new CopyOnWriteArrayList<>();

    Launcher(Path logDir) throws IOException {
        this.logDir = Files.createDirectories(logDir);
    }

    /** Where the logs go: also the place for a process's own files worth keeping with them (its config, say). */
    Path logDir() {
        return logDir;
    }

    Launched start(String name, List<String> command) {
        return start(name, command, Map.of());
    }

    Launched start(String name, List<String> command, Map<String, String> environment) {
        Path log = logDir.resolve(String.format("%04d-%s.log", started.incrementAndGet(), name));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            Instant startedAt = Instant.now();
            Launched launched = new Launched(name, command, builder.start(), log, startedAt);
            running.removeIf(process -> !process.isAlive());
            running.add(launched);
            return launched;
        } catch (IOException e) {
            throw new BenchException("cannot start " + name + " (" + String.join(" ", command) + "): "
                    + e.getMessage(), e);
        }
    }

    /** Runs a command to completion, failing with its output if it fails or takes longer than {@code timeout}. */
    Launched run(String name, List<String> command, Duration timeout) throws InterruptedException {
        Launched launched = start(name, command);
        launched.awaitSuccess(timeout);
        return launched;
    }

    /** Ends every process still running, newest first. */
    @Override
    public void close() throws InterruptedException {
        List<Launched> all = List.copyOf(running);
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop();
        }
        running.clear();
    }
}
