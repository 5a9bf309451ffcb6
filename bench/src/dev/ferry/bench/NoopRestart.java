package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 5: a restart with nothing to do. {@code producer --once} on a tree it has published
 * before and that has not changed, against {@code rsync -a} on a mirror that is already up to date.
 */
final class NoopRestart implements Scenario {

    static final String RSYNC = "rsync -a (nothing to do)";
    private static final Pattern SUMMARY = Pattern.compile("published (\\d+) events .* in ([0-9.]+) s");

    @Override
    public int id() {
        return 5;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        return new ScenarioResult(5, "No-op restart", "an unchanged tree of " + InitialSync.count(mode.noopFiles)
                + " files of 4 KiB in " + InitialSync.count(mode.noopDirs) + " directories");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        Path source = context.freshDir("s5-src");
        Path run = context.freshDir("s5-ferry");
        Path mirror = context.absentPath("s5-mirror");
        Progress.say("scenario 5: generating " + result.setup);
        DataSets.smallFiles(source, context.mode.noopFiles, context.mode.noopDirs, 4096, 5000L);
        Duration timeout = context.timeoutForFiles(context.mode.noopFiles);
        Series inside = result.detailSeries("Ferry: the producer's own time (its summary)", Unit.SECONDS);
        result.method.add("Setup, not measured: one `producer --once` publishes the tree to a fresh broker (no "
                + "consumer; the messages stay queued), and `rsync -a` makes the mirror.");
        result.method.add("Measured: `producer --once` with the same state directory, from process start (JVM "
                + "start included) to exit; it must report 0 events. `rsync -a SRC/ MIRROR/` from start to exit.");
        try (FerryRig rig = new FerryRig(context.launcher, context.ferry, run.resolve("broker"))) {
            rig.startBroker();
            Progress.say("scenario 5: publishing the tree once (setup)");
            rig.startProducer(source, run.resolve("producer-state"), true, List.of()).awaitSuccess(timeout);
            context.launcher.run("rsync-setup", CopyCommand.rsync(source, "-a").apply(mirror), timeout);

            Alternation.Contender ferry = new Alternation.Contender(result.mainSeries("Ferry", Unit.SECONDS),
                    repetition -> {
                        context.settleDisk();
                        long start = System.nanoTime();
                        Launched producer = rig.startProducer(source, run.resolve("producer-state"), true, List.of());
                        producer.awaitSuccess(timeout);
                        double seconds = BenchContext.secondsSince(start);
                        inside.add(noopSeconds(producer));
                        return seconds;
                    });
            Alternation.Contender rsync = new Alternation.Contender(result.mainSeries(RSYNC, Unit.SECONDS),
                    repetition -> {
                        List<String> command = CopyCommand.rsync(source, "-a").apply(mirror);
                        context.settleDisk();
                        long start = System.nanoTime();
                        context.launcher.run("rsync-noop", command, timeout);
                        return BenchContext.secondsSince(start);
                    });
            Alternation.run(result, context.repetitions, List.of(ferry, rsync));
        }
        TreeSnapshot.of(mirror).requireEqualTo(TreeSnapshot.of(source), "the rsync mirror");
        result.targets.add(TargetCheck.atMost("Ferry no slower than `rsync -a` doing nothing",
                result.ferry().median(), result.baseline(RSYNC).median(), Unit.SECONDS));
        context.remove(source);
        context.remove(run);
        context.remove(mirror);
    }

    /** The time the producer reports for itself; fails unless it published nothing. */
    static double noopSeconds(Launched producer) {
        Matcher summary = SUMMARY.matcher(producer.output());
        if (!summary.find()) {
            throw new BenchException("producer --once printed no summary" + producer.tail());
        }
        if (!summary.group(1).equals("0")) {
            throw new BenchException("producer --once on an unchanged tree published " + summary.group(1)
                    + " events" + producer.tail());
        }
        return Double.parseDouble(summary.group(2));
    }
}
