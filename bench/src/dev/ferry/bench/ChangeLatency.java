package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 4: how soon a change shows up on the mirror. Small files are written one at a time,
 * 20 ms apart, into a source a live producer watches; for each, the time from the writer closing
 * it to the moment it exists at the destination with its full size.
 */
final class ChangeLatency implements Scenario {

    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration POLL = Duration.ofMillis(1);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(60);
    private static final int FILE_SIZE = 4096;
    private static final double[] PERCENTILES = {50, 90, 99, 100};
    private static final String[] NAMES = {"p50", "p90", "p99", "max"};

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
        List<Series> perRepetition = new ArrayList<>();
        for (String name : NAMES) {
            perRepetition.add(result.mainSeries("Ferry " + name, Unit.MILLISECONDS));
        }
        Series pooled = result.detailSeries("Ferry: every file of every repetition", Unit.MILLISECONDS);
        result.references.add(new ScenarioResult.Reference("lsyncd default delay", 15_000));
        result.references.add(new ScenarioResult.Reference("Syncthing watcher delay", 10_000));
        result.method.add("A fresh broker, a consumer and a live producer (no --once) run; after the producer says "
                + "`watching`, one warm-up file is written and awaited. Then the files are written at fixed 20 ms "
                + "ticks into SRC/incoming/ (create, write 4 KiB, close), and a thread of the benchmark polls the "
                + "destination path of every file written but not yet seen every " + POLL.toMillis() + " ms: "
                + "latency = first time it exists with its full size − the writer's close, one clock (System."
                + "nanoTime) for both. Resolution about 1–2 ms (poll period plus the stats of one pass).");
        result.method.add("Context, not measured: lsyncd collects events for 15 s by default (`delay`), "
                + "Syncthing's watcher waits 10 s (`fsWatcherDelayS`) before it scans.");
        result.method.add("Percentile rows give, over the repetitions, the median/min/max of each repetition's "
                + "percentile (nearest rank).");

        for (int repetition = 1; repetition <= context.repetitions; repetition++) {
            List<Double> latencies = measure(context, repetition);
            pooled.addAll(latencies);
            for (int i = 0; i < NAMES.length; i++) {
                perRepetition.get(i).add(Stats.percentile(latencies, PERCENTILES[i]));
            }
            String line = "rep " + repetition + ": Ferry p50 " + Unit.MILLISECONDS.format(perRepetition.get(0)
                    .values().get(repetition - 1)) + ", p99 " + Unit.MILLISECONDS.format(perRepetition.get(2).values()
                    .get(repetition - 1)) + ", max " + Unit.MILLISECONDS.format(perRepetition.get(3).values()
                    .get(repetition - 1)) + " (load average after it: " + Machine.loadAverage() + ")";
            result.runOrder.add(line);
            Progress.say("scenario 4, " + line);
        }
        result.targets.add(TargetCheck.atMost("p50 under 100 ms", perRepetition.get(0).median(), 100,
                Unit.MILLISECONDS));
        result.targets.add(TargetCheck.atMost("p99 under 500 ms", perRepetition.get(2).median(), 500,
                Unit.MILLISECONDS));
    }

    private List<Double> measure(BenchContext context, int repetition) throws Exception {
        Path run = context.freshDir("ferry-run");
        Path source = Files.createDirectories(run.resolve("src/incoming"));
        Path destination = run.resolve("dst");
        int files = context.mode.latencyFiles;
        List<Double> latencies;
        try (FerryRig rig = new FerryRig(context.launcher, context.ferry, run.resolve("broker"))) {
            rig.startBroker();
            rig.startConsumer(destination, List.of());
            Launched producer = rig.startProducer(source.getParent(), run.resolve("producer-state"), false, List.of());
            producer.awaitOutput("watching ", START_TIMEOUT);
            warmUp(source, destination.resolve("incoming"));
            latencies = writeAndWatch(source, destination.resolve("incoming"), files, repetition);
            // The files are there; the directory's new mtime may still be on its way.
            TreeSnapshot.awaitEqual(destination, source.getParent(), ARRIVAL_TIMEOUT, "Ferry, repetition " + repetition);
        }
        context.remove(run);
        return latencies;
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
