package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenarios 1 and 2: the first copy of a tree of small files (4 KiB each, 100 per directory),
 * Ferry against {@code rsync -a}, {@code rsync -a --fsync} (the durable equivalent) and {@code cp -a}.
 */
final class InitialSync implements Scenario {

    static final String RSYNC = "rsync -a";
    static final String RSYNC_FSYNC = "rsync -a --fsync";
    static final String CP = "cp -a";
    private static final int FILE_SIZE = 4096;

    private final int id;

    InitialSync(int id) {
        this.id = id;
    }

    @Override
    public int id() {
        return id;
    }

    private int files(Mode mode) {
        return id == 1 ? mode.initialFiles : mode.largeTreeFiles;
    }

    private int dirs(Mode mode) {
        return id == 1 ? mode.initialDirs : mode.largeTreeDirs;
    }

    @Override
    public String skipReason(Mode mode) {
        return files(mode) == 0 ? "scenario 2 runs in full mode only" : null;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        return new ScenarioResult(id, "Initial sync, " + count(files(mode)) + " files",
                count(files(mode)) + " files of 4 KiB in " + count(dirs(mode)) + " directories");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        int files = files(context.mode);
        Path source = context.freshDir("s" + id + "-src");
        Progress.say("scenario " + id + ": generating " + result.setup);
        DataSets.smallFiles(source, files, dirs(context.mode), FILE_SIZE, 1000L + id);
        TreeSnapshot expected = TreeSnapshot.of(source);
        Duration timeout = context.timeoutForFiles(files);

        List<Alternation.Contender> contenders = new ArrayList<>();
        List<Sealing> ways = id == 1 ? Sealing.all(context.freshDir("s1-keys")) : List.of(Sealing.NONE);
        for (Sealing way : ways) {
            contenders.add(new Alternation.Contender(result.mainSeries(way.label(), Unit.SECONDS),
                    new FerrySync(context, source, expected, List.of(), timeout, result, false, way)));
        }
        contenders.add(copy(context, result, RSYNC, source, expected, CopyCommand.rsync(source, "-a"), timeout));
        if (context.tools.rsyncFsync()) {
            contenders.add(copy(context, result, RSYNC_FSYNC, source, expected,
                    CopyCommand.rsync(source, "-a", "--fsync"), timeout));
        } else {
            result.method.add("This rsync has no --fsync (it came with 3.2.4): that baseline was not run.");
        }
        contenders.add(copy(context, result, CP, source, expected, CopyCommand.cpArchive(source), timeout));
        method(result);
        Alternation.run(result, context.repetitions, contenders);
        targets(context, result, files);
        String costs = Sealing.costs(result);
        if (costs != null) {
            result.method.add(costs);
        }

        context.remove(source);
    }

    private static Alternation.Contender copy(BenchContext context, ScenarioResult result, String name, Path source,
                                              TreeSnapshot expected, java.util.function.Function<Path, List<String>> command,
                                              Duration timeout) {
        return new Alternation.Contender(result.mainSeries(name, Unit.SECONDS),
                new CopyCommand(context, name, source, expected, command, timeout));
    }

    private static void method(ScenarioResult result) {
        if (result.id == 1) {
            result.method.add("Ferry runs three ways, alternated with the baselines: as it is; signed (`--signing-key` "
                    + "on the producer, `--trust-producer` on the consumer: every message signed with Ed25519 and "
                    + "checked before anything of it is applied); and signed + encrypted (both sides also given "
                    + "`--encrypt-key`: every message encrypted whole with AES-256-GCM). Their ratios are what "
                    + "signing and encryption cost (issue 20).");
        }
        result.method.add("Ferry: a fresh broker and a consumer on an empty destination are running and attached "
                + "before the clock starts. The clock runs from the start of `producer --once` (JVM start "
                + "included) until the producer has exited and the broker reports no message waiting (a message "
                + "counts as waiting until the consumer commits it, after fsync), polled every 20 ms.");
        result.method.add(FerryCpu.METHOD);
        result.method.add("Baselines: from the start of the command to its exit, into a destination that does not "
                + "exist yet.");
        result.method.add("Every run, Ferry's and the baselines', is then compared with the source in full (paths, "
                + "types, sizes, SHA-256 of every file, permission bits, modification times), after the clock has "
                + "stopped. `sync` runs before each measured run so no run pays for the previous one's write-back.");
    }

    private static void targets(BenchContext context, ScenarioResult result, int files) {
        Series ferry = result.ferry();
        // Issue 16: against the durable equivalent only; plain `rsync -a` (nothing fsynced) stays in
        // the table as context.
        Series durable = result.baseline(RSYNC_FSYNC);
        double durableMedian = durable == null ? Double.NaN : durable.median();
        if (result.id == 1) {
            result.targets.add(TargetCheck.atMost("Ferry no slower than `rsync -a --fsync`", ferry.median(),
                    durableMedian, Unit.SECONDS));
            Series signed = result.baseline(Sealing.SIGNED);
            if (signed != null && !signed.isEmpty()) {
                // Issue 20: signing every message costs at most 10%, as measured in the same run.
                result.targets.add(TargetCheck.atMost("Ferry, signed, at most 1.1× Ferry", signed.median(),
                        1.1 * ferry.median(), Unit.SECONDS));
            }
            return;
        }
        result.targets.add(TargetCheck.atMost("Ferry at most 0.7× `rsync -a --fsync`", ferry.median(),
                0.7 * durableMedian, Unit.SECONDS));
        ScenarioResult first = context.earlier.get(1);
        double perFile = ferry.median() / files * 1000;
        if (first == null || first.failed() || first.ferry() == null || first.ferry().isEmpty()) {
            result.targets.add(new TargetCheck("Ferry's time per file no worse than 1.2× scenario 1's", null,
                    "scenario 1 was not measured in this run"));
            return;
        }
        int firstFiles = context.mode.initialFiles;
        double firstPerFile = first.ferry().median() / firstFiles * 1000;
        result.targets.add(TargetCheck.atMost("Ferry's time per file no worse than 1.2× scenario 1's", perFile,
                1.2 * firstPerFile, Unit.MILLISECONDS));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
