package dev.ferry.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Scenario 10 (issue 18, "measure first"): Ferry on trees of 10,000, 100,000 and 1,000,000 small
 * files (quick mode: 1,000 and 10,000). At each size ({@link ScaleSize}): the initial sync, each
 * side's peak RSS, the start-up of producer and consumer, the size of their state on disk, a no-op
 * restart against {@code rsync -a} with nothing to do, and a restart after 1% of the files changed
 * against rsync bringing its copy up to date; then the cost per file compared size by size.
 *
 * <p>Full mode runs it only when {@code --scenarios} names it: the million files take about
 * 30 to 40 minutes, which {@code bench/run --full} should not grow by. Quick mode runs it with the others,
 * so CI keeps it working.
 */
final class MillionFiles implements Scenario {

    static final int ID = 10;
    /** Issue 18's bound on each side's resident set, with the default JVM options. */
    private static final double RSS_LIMIT_MIB = 512;
    /** Issue 18: the cost per file at the largest size at most this times that at the size before. */
    private static final double SCALING_LIMIT = 1.2;
    private static final long SEED = 10_000L;

    @Override
    public int id() {
        return ID;
    }

    @Override
    public String skipUnlessNamed(Mode mode) {
        return mode == Mode.FULL ? "full mode runs it only when named (`bench/run --full --scenarios 10`): its "
                + "million files take 30-40 min" : null;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        String sizes = Arrays.stream(mode.scaleFiles()).mapToObj(InitialSync::count).collect(Collectors.joining(", "));
        return new ScenarioResult(ID, "A million files", "trees of " + sizes + " files of 0 to 1 KiB (sizes and "
                + "contents random, seeded), a directory per 100 files, 9 directories in 20 nested in chains up to 10 "
                + "deep");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        method(result);
        result.sideBySide.addAll(ScaleSize.SIDE_BY_SIDE);
        int[] sizes = context.mode.scaleFiles();
        try {
            for (int files : sizes) {
                Series perFile = result.mainSeries("Ferry initial sync, " + InitialSync.count(files) + " files",
                        Unit.MICROSECONDS_PER_FILE);
                try {
                    new ScaleSize(context, result, files, SEED + files).measure(perFile);
                } catch (Exception | AssertionError e) {
                    throw new BenchException("at " + InitialSync.count(files) + " files: "
                            + (e instanceof BenchException ? e.getMessage() : e.toString()), e);
                }
            }
        } finally {
            // What was measured before a size failed is still checked.
            targets(result);
        }
    }

    private static void targets(ScenarioResult result) {
        for (ScenarioResult.Part part : result.parts) {
            result.targets.add(TargetCheck.atMost("producer peak RSS under 512 MiB at " + part.title
                    + " (the largest of its runs, watching included)", largest(part, ScaleSize.PRODUCER_PEAK_SYNC,
                    ScaleSize.PRODUCER_PEAK_WATCHING, ScaleSize.PRODUCER_PEAK_NOOP, ScaleSize.PRODUCER_PEAK_CHANGED),
                    RSS_LIMIT_MIB, Unit.MEBIBYTES));
            result.targets.add(TargetCheck.atMost("consumer peak RSS under 512 MiB at " + part.title
                    + " (the largest of its runs)", largest(part, ScaleSize.CONSUMER_PEAK_SYNC,
                    ScaleSize.CONSUMER_PEAK_RESTARTED), RSS_LIMIT_MIB, Unit.MEBIBYTES));
            result.targets.add(TargetCheck.atMost("no-op restart no slower than `rsync -a` doing nothing at "
                    + part.title, median(part, ScaleSize.NOOP), median(part, ScaleSize.NOOP_RSYNC), Unit.SECONDS));
        }
        if (result.parts.size() < 2) {
            return;
        }
        ScenarioResult.Part largest = result.parts.get(result.parts.size() - 1);
        ScenarioResult.Part before = result.parts.get(result.parts.size() - 2);
        Map<String, String> perFile = new LinkedHashMap<>();
        perFile.put("initial sync", ScaleSize.INITIAL_PER_FILE);
        perFile.put("no-op restart", ScaleSize.NOOP_PER_FILE);
        perFile.put("restart after 1% changed", ScaleSize.CHANGED_PER_FILE);
        perFile.forEach((what, series) -> result.targets.add(TargetCheck.atMost(what + ": cost per file at "
                + largest.title + " within " + SCALING_LIMIT + "× that at " + before.title, median(largest, series),
                SCALING_LIMIT * median(before, series), Unit.MICROSECONDS_PER_FILE)));
    }

    /** The largest value of the named series of {@code part}; NaN when none was measured. */
    private static double largest(ScenarioResult.Part part, String... names) {
        double largest = Double.NaN;
        for (String name : names) {
            Series series = part.series(name);
            if (series != null && !series.isEmpty()) {
                largest = Double.isNaN(largest) ? series.max() : Math.max(largest, series.max());
            }
        }
        return largest;
    }

    private static double median(ScenarioResult.Part part, String name) {
        Series series = part.series(name);
        return series == null ? Double.NaN : series.median();
    }

    private static void method(ScenarioResult result) {
        result.method.add("Each size in turn, smallest first, on a tree of its own (removed afterwards): a broker, "
                + "consumer and producer as separate JVMs with the launcher's JVM options and no more (no -Xmx: "
                + "the default heap is what issue 18 asks about). The headline is the initial sync's time divided "
                + "by the files (µs/file); the side-by-side table compares the sizes, a table per size below has "
                + "every value.");
        result.method.add("Initial sync, once per size: a fresh broker and a consumer on an empty destination are "
                + "running and attached before the clock starts; the clock runs from the start of `producer --once` "
                + "(JVM start included) until it has exited and the broker reports nothing waiting, as in scenario "
                + "1, except that the broker is asked every 20 ms only at first, then every 1% of the time waited "
                + "so far, at most 1 s apart: a consumer minutes behind is not slowed by fifty queries a second "
                + "(each about 10 ms of the broker's CPU). Then the mirror is compared with the source in full "
                + "(TreeSnapshot). " + FerryCpu.METHOD);
        result.method.add("Peak RSS is the kernel's high-water mark (VmHWM), which only grows over a process's life: "
                + "each producer's sampled every 20 ms until it exits (the watching one until it has answered the "
                + "repair); the consumer's read at the end of the initial sync (its life so far) and, for the "
                + "consumer restarted after it, once it has read its ledger, after the repair and at the end of the "
                + "1% changes; the broker's at the end of the initial sync. With the default options the JVM may "
                + "grow its heap up to a quarter of the machine's memory, so a peak says what the process took, "
                + "not what it needs.");
        result.method.add("Start-up: from just before the process is started (JVM start included) to the time "
                + "stamp of its first log line saying it is ready: the producer's `publishing SRC on topic ...`, "
                + "logged once its state is read and its connection made; the consumer's `consumer applying mirror "
                + "...`, logged once its ledger is read and it is connected. Twice each: with nothing (the initial "
                + "sync) and with the whole tree behind it (the consumer stopped and started again after the "
                + "sync; the producer at every restart).");
        result.method.add("On disk: the bytes of the files under the producer's state directory and under the "
                + "consumer's DST/.ferry (its ledger, directory times, repair hash cache and staging), after the "
                + "initial sync and again after the 1% changes (by then the repair below has filled the hash cache).");
        result.method.add("Setup, off the clock: `rsync -a` makes two copies, one for `rsync -a` (its time is shown "
                + "for context) and one for `rsync -a --fsync` to bring up to date later; the consumer is restarted; "
                + "and a watching producer answers the repair the "
                + "consumer asked for when it found a new destination, then stops. A `producer --once` never answers "
                + "one, and a consumer whose repair goes unanswered for 10 minutes gives up and surveys the whole "
                + "mirror to ask again, which at a million files would fall into the measurements.");
        result.method.add("No-op restart: `producer --once` with the state of the initial sync on the unchanged tree, "
                + "from process start to exit (it must publish 0 events), alternating with `rsync -a SRC/ COPY/` "
                + "with nothing to do; the consumer stays attached.");
        result.method.add("1% changed: each repetition, off the clock, one file in 100 is rewritten in place with new "
                + "contents of a new size and a new (past, fixed) modification time. Then, alternating: `producer "
                + "--once` from its start until it has exited and nothing waits on the queue (the consumer, "
                + "restarted as above, applying); `rsync -a` and `rsync -a --fsync` bringing their copies up to "
                + "date. Every copy is compared with the source in full afterwards, off the clock. Per file: the "
                + "time divided by all the files of the tree, which each tool has to look at.");
        result.method.add("`sync` runs before every measured run. Every wait is bounded (2 min + 3 ms per file); a "
                + "process that fails or a size that cannot finish fails the scenario with what the process "
                + "printed last, and the sizes measured before it are reported.");
    }
}
