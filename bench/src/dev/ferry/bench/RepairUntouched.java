package dev.ferry.bench;

import dev.ferry.wire.WireFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Scenario 7: the repair of an untouched mirror. A mirror Ferry made of a tree that has not changed
 * asks the producer to compare the two sides ({@code consumer --repair --drain}), with the hashes
 * of its files cached from an earlier repair, against {@code rsync -a} with nothing to do on the same
 * trees; and what the repair costs on the wire, per file.
 */
final class RepairUntouched implements Scenario {

    static final String RSYNC = "rsync -a (nothing to do)";
    private static final String MIRROR_QUEUE = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR,
            WireFormat.DEFAULT_QUEUE);
    private static final String CONTROL_QUEUE = WireFormat.controlQueueOf(WireFormat.DEFAULT_QUEUE);
    /** Issue 14's bound on what an untouched mirror's repair may cost on the wire. */
    private static final double BYTES_PER_FILE = 100;

    @Override
    public int id() {
        return 7;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        return new ScenarioResult(7, "Repair of an untouched mirror", "a mirror of " + InitialSync.count(mode.repairFiles)
                + " files of 4 KiB in " + InitialSync.count(mode.repairDirs) + " directories, equal to its source");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        int files = context.mode.repairFiles;
        Path source = context.freshDir("s7-src");
        Path run = context.freshDir("s7-ferry");
        Path mirror = run.resolve("mirror");
        Path rsyncMirror = context.absentPath("s7-rsync");
        Progress.say("scenario 7: generating " + result.setup);
        DataSets.smallFiles(source, files, context.mode.repairDirs, 4096, 7000L);
        Duration timeout = context.timeoutForFiles(files);
        Series first = result.detailSeries("Ferry: the first repair (no hash cached yet), start to exit", Unit.SECONDS);
        Series wire = result.detailSeries("Ferry: bytes through the broker per file (request and answers)",
                Unit.BYTES_PER_FILE);
        result.method.add("Setup, not measured: a broker, a watching producer and a consumer make the mirror; the "
                + "consumer stops; one `consumer --repair --drain` fills the mirror's hash cache (its time is shown "
                + "apart); `rsync -a` makes its own mirror.");
        result.method.add("Measured: `consumer --repair --drain` on the untouched mirror, from process start (JVM "
                + "start included) to exit, the producer still watching; `rsync -a SRC/ MIRROR/` from start to exit. "
                + "Bytes through the broker: what the broker's statistics say it took onto the control queue and the "
                + "mirror's queue during the repair (enqueue count × average message size), divided by the files.");
        try (FerryRig rig = new FerryRig(context.launcher, context.ferry, run.resolve("broker"))) {
            rig.startBroker();
            Launched consumer = rig.startConsumer(mirror, List.of());
            Launched producer = rig.startProducer(source, run.resolve("producer-state"), false, List.of());
            Progress.say("scenario 7: making the mirror (setup)");
            producer.awaitOutput("initial sync: published", timeout);
            rig.awaitDrained(timeout);
            consumer.stop();
            context.settleDisk();
            first.add(repair(rig, mirror, timeout, files, null));
            context.launcher.run("rsync-setup", CopyCommand.rsync(source, "-a").apply(rsyncMirror), timeout);

            Alternation.Contender ferry = new Alternation.Contender(result.mainSeries("Ferry", Unit.SECONDS),
                    repetition -> {
                        context.settleDisk();
                        return repair(rig, mirror, timeout, files, wire);
                    });
            Alternation.Contender rsync = new Alternation.Contender(result.mainSeries(RSYNC, Unit.SECONDS),
                    repetition -> {
                        List<String> command = CopyCommand.rsync(source, "-a").apply(rsyncMirror);
                        context.settleDisk();
                        long start = System.nanoTime();
                        context.launcher.run("rsync-noop", command, timeout);
                        return BenchContext.secondsSince(start);
                    });
            Alternation.run(result, context.repetitions, List.of(ferry, rsync));
        }
        TreeSnapshot.of(mirror).requireEqualTo(TreeSnapshot.of(source), "the Ferry mirror");
        TreeSnapshot.of(rsyncMirror).requireEqualTo(TreeSnapshot.of(source), "the rsync mirror");
        result.targets.add(TargetCheck.atMost("Ferry's repair no slower than `rsync -a` doing nothing",
                result.ferry().median(), result.baseline(RSYNC).median(), Unit.SECONDS));
        result.targets.add(TargetCheck.atMost("under " + (int) BYTES_PER_FILE + " bytes per file on the wire",
                wire.median(), BYTES_PER_FILE, Unit.BYTES_PER_FILE));
        context.remove(source);
        context.remove(run);
        context.remove(rsyncMirror);
    }

    /**
     * Runs one {@code consumer --repair --drain} on {@code mirror} and returns its time from start
     * to exit; adds the bytes it cost the broker, per file, to {@code wire} when given.
     */
    private static double repair(FerryRig rig, Path mirror, Duration timeout, int files, Series wire)
            throws InterruptedException {
        long before = rig.traffic(CONTROL_QUEUE).plus(rig.traffic(MIRROR_QUEUE)).bytes();
        long start = System.nanoTime();
        rig.startRepair(mirror).awaitSuccess(timeout);
        double seconds = BenchContext.secondsSince(start);
        if (wire != null) {
            long after = rig.traffic(CONTROL_QUEUE).plus(rig.traffic(MIRROR_QUEUE)).bytes();
            wire.add((double) (after - before) / files);
        }
        return seconds;
    }
}
