package dev.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * lsyncd mirroring one local directory into another with {@code default.rsync} and {@code delay = 0}:
 * scenario 4's baseline (issue 21). Writes its config, starts it in the foreground through the
 * {@link Launcher} (so it is ended by its PID whatever happens), and waits for its start-up rsync.
 *
 * <p>Everything else is left at default.rsync's defaults, as a user who only turns the delay down
 * would run it: {@code inotifyMode} CloseWrite, one rsync at a time ({@code maxProcesses = 1}),
 * rsync with {@code -lts}, and no {@code --fsync}.
 */
final class Lsyncd implements AutoCloseable {

    /** The initial rsync of a small tree takes well under a second; only a hang should reach this. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Launched process;
    private final Duration startUp;

    private Lsyncd(Launched process, Duration startUp) {
        this.process = process;
        this.startUp = startUp;
    }

    /**
     * Starts lsyncd on {@code source} → {@code destination} and returns once its start-up rsync has
     * finished (from then on it acts on every change). Its config, log file and status file are
     * written into {@code files} as {@code NAME.conf.lua}, {@code NAME.log} and {@code NAME.status}.
     */
    static Lsyncd start(Launcher launcher, Path files, String name, Path source, Path destination)
            throws IOException, InterruptedException {
        // lsyncd names the source by its real path and the target as given, each with a slash added.
        String startedLine = "Startup of " + source.toRealPath() + "/ -> " + destination + "/ finished.";
        Path config = files.resolve(name + ".conf.lua");
        Files.writeString(config, config(source, destination, files.resolve(name + ".log"),
                files.resolve(name + ".status")), StandardCharsets.UTF_8);
        long start = System.nanoTime();
        Launched process = launcher.start(name, List.of("lsyncd", config.toString()));
        try {
            process.awaitOutput(startedLine, START_TIMEOUT);
        } catch (BenchException e) {
            process.stop();
            throw new BenchException("lsyncd did not start mirroring " + source + " to " + destination
                    + " (config " + config + "): " + e.getMessage(), e);
        }
        return new Lsyncd(process, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The config: default.rsync with {@code delay = 0}, in the foreground, logging into {@code log}. */
    private static String config(Path source, Path destination, Path log, Path status) {
        return "-- Written by Ferry's benchmark (bench/src/dev/ferry/bench/Lsyncd.java), scenario 4.\n"
                + "settings {\n"
                + "    logfile = " + lua(log) + ",\n"
                + "    statusFile = " + lua(status) + ",\n"
                + "    nodaemon = true,\n"
                + "}\n"
                + "sync {\n"
                + "    default.rsync,\n"
                + "    source = " + lua(source) + ",\n"
                + "    target = " + lua(destination) + ",\n"
                + "    delay = 0,\n"
                + "}\n";
    }

    /** From the start of the process to the end of its start-up rsync, as the benchmark saw it. */
    Duration startUp() {
        return startUp;
    }

    /** Ends lsyncd by its PID (SIGTERM; it lets a running rsync finish), killing it if it lingers. */
    @Override
    public void close() throws InterruptedException {
        process.stop();
    }

    /** {@code path} as a Lua string literal. */
    private static String lua(Path path) {
        String text = path.toString();
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new BenchException("cannot write a path with a line break into lsyncd's config: " + text);
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
