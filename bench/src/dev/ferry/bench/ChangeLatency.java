package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 4: how soon a change shows up on the mirror. Small files are written one at a time,
 * 20 ms apart, into a source that a live mirroring tool watches; for each, the time from the
 * writer closing it to the moment it exists at the destination with its full size. Ferry and
 * lsyncd (issue 21's baseline) take turns, repetition by repetition, through the same harness:
 * only how the tool is started differs.
 */
final class ChangeLatency implements Scenario {

    private static final String FERRY = "Ferry";
    private static final String LSYNCD = "lsyncd";
    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration POLL = Duration.ofMillis(1);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(60);
    private static final int FILE_SIZE = 4096;
    private static final double[] PERCENTILES = {50, 90, 99, 100};
    private static final String[] NAMES = {"p50", "p90", "p99", "max"};

    /** A tool that mirrors a directory as it changes. */
    private interface LiveMirror {
        /**
         * Starts mirroring {@code source} into {@code destination} (not there yet), using {@code run}
         * for anything else it needs; returns once changes will be acted on, as what ends it.
         */
        AutoCloseable start(Path run, Path source, Path destination, int repetition) throws Exception;
    }

    /**
     * A tool taking part: how it is started, what the check of its copy lets pass, and where its
     * latencies go (per-repetition percentiles, pooled).
     */
    private record Contender(String tool, LiveMirror mirror, TreeSnapshot.Leniency check, List<Series> percentiles,
                             Series pooled) {

        static Contender of(ScenarioResult result, String tool, LiveMirror mirror, TreeSnapshot.Leniency check) {
            List<Series> percentiles = new ArrayList<>();
            for (String name : NAMES) {
                percentiles.add(result.mainSeries(tool + " " + name, Unit.MILLISECONDS));
            }
            return new Contender(tool, mirror, check, percentiles,
                    result.detailSeries(tool + ": every file of every repetition", Unit.MILLISECONDS));
        }

        /** This repetition's value of percentile {@code index} of {@link #NAMES}. */
        String latest(int index) {
            List<Double> values = percentiles.get(index).values();
            return Unit.MILLISECONDS.format(values.get(values.size() - 1));
        }
    }

    @Override
    public int id() {
        return 4;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        return new ScenarioResult(4, "Change-to-mirror latency", InitialSync.count(mode.latencyFiles)
                + " files of 4 KiB written one at a time, 20 ms apart, into a watched source");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        Contender ferry = Contender.of(result, FERRY, (run, source, destination, repetition) ->
                startFerry(context, run, source, destination), TreeSnapshot.Leniency.NONE);
        Series lsyncdStartUp = result.detailSeries("lsyncd start-up: its start to the end of its start-up rsync",
                Unit.MILLISECONDS);
        Contender lsyncd = Contender.of(result, LSYNCD, (run, source, destination, repetition) -> {
            Lsyncd started = Lsyncd.start(context.launcher, context.launcher.logDir(), "lsyncd-rep" + repetition,
                    source, destination);
            lsyncdStartUp.add(started.startUp().toNanos() / 1e6);
            return started;
        }, TreeSnapshot.Leniency.DIRECTORY_TIMES);
        result.references.add(new ScenarioResult.Reference("lsyncd default delay", 15_000, false));
        result.references.add(new ScenarioResult.Reference("Syncthing watcher delay", 10_000, false));
        method(context, result);

        for (int repetition = 1; repetition <= context.repetitions; repetition++) {
            for (Contender contender : List.of(ferry, lsyncd)) {
                Repetition measured = measure(context, contender, repetition);
                contender.pooled().addAll(measured.latencies());
                for (int i = 0; i < NAMES.length; i++) {
                    contender.percentiles().get(i).add(Stats.percentile(measured.latencies(), PERCENTILES[i]));
                }
                String letPass = measured.letPass().isEmpty() ? ""
                        : "; its copy differed where the check lets it: " + String.join(", ", measured.letPass());
                String line = "rep " + repetition + ": " + contender.tool() + " p50 " + contender.latest(0) + ", p99 "
                        + contender.latest(2) + ", max " + contender.latest(3) + " (load average after it: "
                        + Machine.loadAverage() + letPass + ")";
                result.runOrder.add(line);
                Progress.say("scenario 4, " + line);
            }
        }
        result.targets.add(TargetCheck.atMost("p50 under 100 ms", ferry.percentiles().get(0).median(), 100,
                Unit.MILLISECONDS));
        result.targets.add(TargetCheck.atMost("p99 under 500 ms", ferry.percentiles().get(2).median(), 500,
                Unit.MILLISECONDS));
        // Issue 21: against lsyncd with its delay turned off, measured in this run by the same harness.
        for (int i : new int[] {0, 2}) {
            result.targets.add(TargetCheck.atMost("Ferry " + NAMES[i] + " no worse than lsyncd " + NAMES[i]
                    + " (`delay = 0`, same run)", ferry.percentiles().get(i).median(),
                    lsyncd.percentiles().get(i).median(), Unit.MILLISECONDS));
        }
    }

    private static void method(BenchContext context, ScenarioResult result) {
        result.method.add("Ferry and lsyncd take turns, repetition by repetition (Ferry, lsyncd, Ferry, ...), each "
                + "measured by the same harness: a fresh SRC and DST; the tool is started and its start-up awaited; "
                + "`sync`; one warm-up file is written into SRC/incoming/ and awaited at the destination. Then the "
                + "files are written at fixed 20 ms ticks into SRC/incoming/ (create, write 4 KiB, close; the same "
                + "names and bytes for both tools), and a thread of the benchmark polls the destination path of every "
                + "file written but not yet seen every " + POLL.toMillis() + " ms: latency = first time it exists "
                + "with its full size − the writer's close, one clock (System.nanoTime) for both. Resolution about "
                + "1–2 ms (poll period plus the stats of one pass). At the end the destination is compared with the "
                + "source in full.");
        result.method.add("Ferry: a fresh broker, a consumer and a live producer (no --once); start-up ends when the "
                + "producer says `watching` and the consumer says its first-contact repair is done (`events "
                + "applied`): a new mirror's first contact compares its tree with the producer's, and changes made "
                + "meanwhile wait for the producer's turns between repair slices. Durable: the consumer moves a file into place only once its body is "
                + "fsynced, and acknowledges the message only after the directory and its ledger are fsynced too.");
        result.method.add(context.tools.lsyncdVersion() + " (Debian's package), started by the benchmark in the "
                + "foreground and ended by its PID, with the config `settings { logfile = ..., statusFile = ..., "
                + "nodaemon = true }` `sync { default.rsync, source = SRC, target = DST, delay = 0 }` (local "
                + "directories) and nothing else set, so default.rsync's defaults hold: `inotifyMode` CloseWrite "
                + "(it acts on IN_CLOSE_WRITE, and on IN_CREATE, so a new file may be sent once when created and "
                + "again when closed), one rsync at a time (`maxProcesses = 1`; what changes while it runs goes "
                + "into the next), each `rsync -tls -r --delete --ignore-errors --force --from0 --include-from=- "
                + "--exclude=* SRC/ DST/` with the changed paths on its stdin. Start-up ends when its log says "
                + "`Startup of SRC/ -> DST/ finished.` (its first, full rsync). Not durable: neither lsyncd nor its "
                + "rsync fsyncs anything (default.rsync has no `--fsync`), so a file counts as arrived once rsync "
                + "has renamed it into place in the page cache. Its config, log and status file are kept with the "
                + "process logs (BENCH_KEEP=1).");
        result.method.add("The check of lsyncd's copy lets one thing pass, and the runs below say when it did: a "
                + "directory's modification time. rsync sets a directory's time when it reaches it, before the new "
                + "files it brings land in it, so DST/incoming/ ends with the time its last file was renamed into it; "
                + "and a later rsync takes that time as right, since it compares times in whole seconds "
                + "(`--modify-window` 0). Ferry's copy is checked exactly.");
        result.method.add("Context, not measured: lsyncd collects events for 15 s by default (`delay`), "
                + "Syncthing's watcher waits 10 s (`fsWatcherDelayS`) before it scans. Not drawn in the chart, "
                + "where they would flatten the measured bars.");
        result.method.add("Percentile rows give, over the repetitions, the median/min/max of each repetition's "
                + "percentile (nearest rank); the targets compare those medians.");
    }

    /** A fresh broker, a consumer attached to it and a live producer that says it is watching, past the mirror's first repair. */
    private static FerryRig startFerry(BenchContext context, Path run, Path source, Path destination)
            throws Exception {
        FerryRig rig = new FerryRig(context.launcher, context.ferry, run.resolve("broker"));
        try {
            rig.startBroker();
            Launched consumer = rig.startConsumer(destination, List.of());
            Launched producer = rig.startProducer(source, run.resolve("producer-state"), false, List.of());
            producer.awaitOutput("watching ", START_TIMEOUT);
            // A new mirror's first contact is a repair: the producer compares the mirror's directories
            // with what it published and sends what differs. Changes published meanwhile wait for the
            // producer's slices between repair work, and the first files of a run measured up to 300 ms
            // that way. What is measured is a live mirror, so the clock starts after it.
            consumer.awaitOutput(ScaleSize.REPAIR_APPLIED, START_TIMEOUT);
            return rig;
        } catch (Exception | Error e) {
            rig.close();
            throw e;
        }
    }

    /** One repetition of one tool: its latencies in ms, and the differences the check of its copy let pass. */
    private record Repetition(List<Double> latencies, List<String> letPass) {
    }

    private static Repetition measure(BenchContext context, Contender contender, int repetition) throws Exception {
        Path run = context.freshDir(contender.tool().toLowerCase(Locale.ROOT) + "-run");
        Path source = Files.createDirectories(run.resolve("src/incoming"));
        Path destination = run.resolve("dst");
        String what = contender.tool() + ", repetition " + repetition;
        Repetition measured;
        try (AutoCloseable mirror = contender.mirror().start(run, source.getParent(), destination, repetition)) {
            // Outside the clock, so that the write-back of the run before (lsyncd's, never fsynced) is not paid here.
            context.settleDisk();
            warmUp(source, destination.resolve("incoming"));
            List<Double> latencies = writeAndWatch(source, destination.resolve("incoming"), context.mode.latencyFiles,
                    repetition);
            // The files are there; the directory's new mtime may still be on its way.
            measured = new Repetition(latencies, TreeSnapshot.awaitEqual(destination, source.getParent(),
                    ARRIVAL_TIMEOUT, what, contender.check()));
        }
        context.remove(run);
        return measured;
    }

    private static void warmUp(Path source, Path destination) throws IOException {
        DataSets.save(source.resolve("warm-up.bin"), new byte[FILE_SIZE]);
        Path arrived = destination.resolve("warm-up.bin");
        long deadline = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
        while (sizeOf(arrived) != FILE_SIZE) {
            if (System.nanoTime() > deadline) {
                throw new BenchException("the warm-up file did not reach " + arrived + " within "
                        + Launched.seconds(ARRIVAL_TIMEOUT));
            }
            Launched.pause(POLL);
        }
    }

    /** Writes the files on this thread at fixed ticks while another thread watches for them; latencies in ms. */
    private static List<Double> writeAndWatch(Path source, Path destination, int files, int repetition)
            throws Exception {
        long[] closedAt = new long[files];
        long[] seenAt = new long[files];
        AtomicInteger written = new AtomicInteger();
        Thread watcher = new Thread(() -> watch(destination, files, closedAt, seenAt, written), "arrival-watcher");
        List<Throwable> watcherFailure = new ArrayList<>();
        watcher.setUncaughtExceptionHandler((thread, failure) -> watcherFailure.add(failure));
        watcher.start();
        SplittableRandom random = new SplittableRandom(4000L + repetition);
        byte[] content = new byte[FILE_SIZE];
        long start = System.nanoTime();
        for (int i = 0; i < files; i++) {
            long tick = start + i * INTERVAL.toNanos();
            long wait = tick - System.nanoTime();
            if (wait > 0) {
                Launched.pause(Duration.ofNanos(wait));
            }
            random.nextBytes(content);
            DataSets.save(source.resolve(name(i)), content);
            closedAt[i] = System.nanoTime();
            written.incrementAndGet();
        }
        watcher.join(ARRIVAL_TIMEOUT.plusSeconds(5).toMillis());
        if (!watcherFailure.isEmpty()) {
            throw new BenchException("watching " + destination + " failed: " + watcherFailure.get(0), watcherFailure.get(0));
        }
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            if (seenAt[i] == 0) {
                throw new BenchException(name(i) + " never reached " + destination);
            }
            latencies.add((seenAt[i] - closedAt[i]) / 1e6);
        }
        return latencies;
    }

    private static void watch(Path destination, int files, long[] closedAt, long[] seenAt, AtomicInteger written) {
        int firstUnseen = 0;
        long deadline = Long.MAX_VALUE;
        while (firstUnseen < files) {
            int available = written.get();
            for (int i = firstUnseen; i < available; i++) {
                if (seenAt[i] == 0 && sizeOf(destination.resolve(name(i))) == FILE_SIZE) {
                    seenAt[i] = System.nanoTime();
                }
            }
            while (firstUnseen < available && seenAt[firstUnseen] != 0) {
                firstUnseen++;
            }
            if (available == files && deadline == Long.MAX_VALUE) {
                deadline = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException((files - firstUnseen) + " file(s) from " + name(firstUnseen)
                        + " on did not reach " + destination + " within " + Launched.seconds(ARRIVAL_TIMEOUT)
                        + " after the last was written");
            }
            Launched.pause(POLL);
        }
    }

    private static long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new BenchException("cannot look at " + path + ": " + e.getMessage(), e);
        }
    }

    private static String name(int i) {
        return String.format("f%05d.bin", i);
    }
}
