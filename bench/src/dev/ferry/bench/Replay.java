package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 6: replay of a backlog. With no consumer attached, {@code producer --once} queues the
 * events of a tree of small files; then {@code consumer --drain} applies them all and exits.
 */
final class Replay implements Scenario {

    private static final Pattern SUMMARY = Pattern.compile("applied (\\d+) events from (\\d+) messages.* in ([0-9.]+) s");

    @Override
    public int id() {
        return 6;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        return new ScenarioResult(6, "Replay of a backlog", "a backlog of " + InitialSync.count(mode.replayFiles)
                + " files of 4 KiB in " + InitialSync.count(mode.replayDirs) + " directories, one event each");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        int files = context.mode.replayFiles;
        Path source = context.freshDir("s6-src");
        Progress.say("scenario 6: generating " + result.setup);
        DataSets.smallFiles(source, files, context.mode.replayDirs, 4096, 6000L);
        TreeSnapshot expected = TreeSnapshot.of(source);
        Duration timeout = context.timeoutForFiles(files);
        Series wall = result.detailSeries("Ferry: consumer --drain, start to exit", Unit.SECONDS);
        Series inside = result.detailSeries("Ferry: consumer --drain, its own time (its summary)", Unit.SECONDS);
        Series insideRate = result.detailSeries("Ferry: files/s by its own time", Unit.FILES_PER_SECOND);
        Alternation.Contender ferry = new Alternation.Contender(
                result.mainSeries("Ferry consumer --drain", Unit.FILES_PER_SECOND),
                repetition -> drain(context, source, expected, files, timeout, repetition, wall, inside, insideRate));
        result.method.add("Per repetition, not measured: a fresh broker, and `producer --once` with no consumer "
                + "attached, which leaves one event per file and directory queued.");
        result.method.add("Measured: `consumer --drain` on an empty destination from process start (JVM start "
                + "included) to exit; files/s = files ÷ that time. The destination is compared with the source "
                + "afterwards. The issue names no baseline for this scenario.");
        Alternation.run(result, context.repetitions, List.of(ferry));
        context.remove(source);
    }

    private static double drain(BenchContext context, Path source, TreeSnapshot expected, int files, Duration timeout,
                                int repetition, Series wall, Series inside, Series insideRate) throws Exception {
        Path run = context.freshDir("ferry-run");
        Path destination = run.resolve("dst");
        double seconds;
        Launched drain;
        try (FerryRig rig = new FerryRig(context.launcher, context.ferry, run.resolve("broker"))) {
            rig.startBroker();
            rig.startProducer(source, run.resolve("producer-state"), true, List.of()).awaitSuccess(timeout);
            context.settleDisk();
            long start = System.nanoTime();
            drain = rig.startDrain(destination);
            drain.awaitSuccess(timeout);
            seconds = BenchContext.secondsSince(start);
            long left = rig.status().waiting();
            if (left != 0) {
                throw new BenchException("consumer --drain exited with " + left + " message(s) still waiting"
                        + drain.tail());
            }
        }
        TreeSnapshot.of(destination).requireEqualTo(expected, "Ferry, repetition " + repetition);
        context.remove(run);
        Matcher summary = SUMMARY.matcher(drain.output());
        if (summary.find() && Double.parseDouble(summary.group(3)) > 0) {
            double own = Double.parseDouble(summary.group(3));
            inside.add(own);
            insideRate.add(files / own);
        }
        wall.add(seconds);
        return files / seconds;
    }
}
