package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Scenario 10 at one size: a tree of {@code files} small files made, mirrored, restarted on with
 * nothing to do and restarted on after 1% changed, each step measured, into one part of the
 * scenario's result. Ferry runs as separate processes with the launcher's JVM options and nothing
 * more (no -Xmx), as the issue asks: its default heap is what is measured.
 */
final class ScaleSize {

    static final String INITIAL = "initial sync: Ferry, producer start → mirror complete";
    static final String INITIAL_PER_FILE = "initial sync: Ferry per file";
    static final String INITIAL_RATE = "initial sync: Ferry files/s";
    static final String RSYNC_FIRST = "initial sync: rsync -a, first copy (setup; for context)";
    static final String NOOP = "no-op restart: Ferry, producer --once";
    static final String NOOP_RSYNC = "no-op restart: rsync -a (nothing to do)";
    static final String NOOP_PER_FILE = "no-op restart: Ferry per file";
    static final String NOOP_RSYNC_PER_FILE = "no-op restart: rsync -a per file";
    static final String CHANGED = "1% changed: Ferry, producer start → mirror complete";
    static final String CHANGED_RSYNC = "1% changed: rsync -a";
    static final String CHANGED_RSYNC_FSYNC = "1% changed: rsync -a --fsync";
    static final String CHANGED_PER_FILE = "1% changed: Ferry per file of the tree";
    static final String PRODUCER_PEAK_SYNC = "peak RSS: producer, initial sync";
    static final String PRODUCER_PEAK_NOOP = "peak RSS: producer, no-op restart";
    static final String PRODUCER_PEAK_CHANGED = "peak RSS: producer, 1% changed";
    static final String CONSUMER_PEAK_SYNC = "peak RSS: consumer, first start to the end of the initial sync";
    static final String PRODUCER_PEAK_WATCHING = "peak RSS: producer watching, answering the repair (setup)";
    static final String CONSUMER_PEAK_LEDGER = "peak RSS: consumer, restarted, once it has read its ledger";
    static final String CONSUMER_PEAK_REPAIR = "peak RSS: consumer, restarted, to the end of the repair (setup)";
    static final String CONSUMER_PEAK_RESTARTED = "peak RSS: consumer, restarted, to the end of the 1% changes";
    static final String BROKER_PEAK = "peak RSS: broker, to the end of the initial sync (for context)";
    static final String PRODUCER_START_EMPTY = "start-up: producer, empty state (initial sync)";
    static final String PRODUCER_START_FULL = "start-up: producer, state of the whole tree (no-op and 1% restarts)";
    static final String CONSUMER_START_EMPTY = "start-up: consumer, empty destination";
    static final String CONSUMER_START_FULL = "start-up: consumer, ledger of the whole tree (restart)";
    static final String STATE_SIZE = "on disk: producer state after the initial sync";
    static final String STATE_PER_FILE = "on disk: producer state per file after the initial sync";
    static final String LEDGER_SIZE = "on disk: consumer's DST/.ferry after the initial sync";
    static final String LEDGER_PER_FILE = "on disk: consumer's DST/.ferry per file after the initial sync";
    static final String SYNC_CPU = "initial sync: ";

    /** What the side-by-side table of the scenario shows, in this order. */
    static final List<String> SIDE_BY_SIDE = List.of(INITIAL, INITIAL_PER_FILE, INITIAL_RATE, RSYNC_FIRST,
            SYNC_CPU + "producer CPU", SYNC_CPU + "consumer CPU", SYNC_CPU + "broker CPU",
            NOOP, NOOP_RSYNC, NOOP_PER_FILE, NOOP_RSYNC_PER_FILE,
            CHANGED, CHANGED_RSYNC, CHANGED_RSYNC_FSYNC, CHANGED_PER_FILE,
            PRODUCER_PEAK_SYNC, PRODUCER_PEAK_WATCHING, PRODUCER_PEAK_NOOP, PRODUCER_PEAK_CHANGED,
            CONSUMER_PEAK_SYNC, CONSUMER_PEAK_LEDGER, CONSUMER_PEAK_REPAIR, CONSUMER_PEAK_RESTARTED, BROKER_PEAK,
            PRODUCER_START_EMPTY, PRODUCER_START_FULL, CONSUMER_START_EMPTY, CONSUMER_START_FULL,
            STATE_SIZE, STATE_PER_FILE, LEDGER_SIZE, LEDGER_PER_FILE);

    /** What the producer logs once it has read its state and is connected: it publishes from then on. */
    static final String PRODUCER_READY = "Producer - publishing ";
    /** What the consumer logs once it has read its ledger and is connected: it applies from then on. */
    static final String CONSUMER_READY = "Consumer - consumer applying mirror ";
    /**
     * The log lines worth a note in the report: warnings (among them a consumer's "given up, asking
     * again", when a repair went unanswered too long and it surveys the whole mirror to ask again)
     * and errors.
     */
    private static final List<String> TROUBLE = List.of(" WARN ", " ERROR ");
    private static final int LISTED_TROUBLE = 3;
    private static final String REPAIR_PENDING = "was asked for before this start";
    /** What a consumer says when a repair it asked for is done. */
    static final String REPAIR_APPLIED = " events applied";
    /** One file in this many is rewritten each repetition of the 1% change. */
    private static final int CHANGE_EVERY = 100;
    private static final int FILES_PER_DIRECTORY = 100;
    /** Bound of every wait: generous (scenario 2's 100,000 files take 0.3 ms each), so only a hang trips it. */
    private static final Duration BASE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration TIMEOUT_PER_FILE = Duration.ofMillis(3);
    private static final double MIB = 1 << 20;
    /** How seldom, at the least, a long wait for the queue to drain asks the broker (see FerryRig.awaitDrained). */
    private static final Duration SLOWEST_POLL = Duration.ofSeconds(1);

    private final BenchContext context;
    private final ScenarioResult result;
    private final ScenarioResult.Part part;
    private final int files;
    private final String label;
    private final Duration timeout;
    private final Path source;
    private final Path run;
    private final Path mirror;
    private final Path state;
    private final Path rsyncMirror;
    private final Path rsyncFsyncMirror;
    private final NestedTree tree;

    ScaleSize(BenchContext context, ScenarioResult result, int files, long seed) {
        this.context = context;
        this.result = result;
        this.files = files;
        this.label = InitialSync.count(files) + " files";
        this.part = result.part(label);
        this.timeout = BASE_TIMEOUT.plus(TIMEOUT_PER_FILE.multipliedBy(files));
        this.source = context.work.resolve("s10-src");
        this.run = context.work.resolve("s10-ferry");
        this.mirror = run.resolve("mirror");
        this.state = run.resolve("producer-state");
        this.rsyncMirror = context.work.resolve("s10-rsync");
        this.rsyncFsyncMirror = context.work.resolve("s10-rsync-fsync");
        this.tree = new NestedTree(source, files, Math.max(1, files / FILES_PER_DIRECTORY), seed);
    }

    /**
     * Measures this size, then removes its trees; {@code perFile} is the scenario's headline series
     * for it (initial sync, µs per file).
     */
    void measure(Series perFile) throws Exception {
        context.freshDir(source.getFileName().toString());
        context.freshDir(run.getFileName().toString());
        context.absentPath(rsyncMirror.getFileName().toString());
        context.absentPath(rsyncFsyncMirror.getFileName().toString());
        say("generating " + InitialSync.count(files) + " files in " + InitialSync.count(tree.dirs())
                + " directories (up to " + tree.depth() + " deep)");
        long bytes = tree.generate();
        say(Unit.number(bytes / MIB) + " MiB of files generated");
        String loadBefore = Machine.loadAverage();
        try (FerryRig rig = new FerryRig(context.launcher, context.ferry, run.resolve("broker"))) {
            Launched broker = rig.startBroker();
            Launched consumer = initialSync(rig, broker, perFile);
            onDisk(STATE_SIZE, STATE_PER_FILE, LEDGER_SIZE, LEDGER_PER_FILE);
            part.detailSeries("on disk: broker data directory after the initial sync (for context)", Unit.MEBIBYTES)
                    .add(bytesUnder(run.resolve("broker")) / MIB);
            rsyncFirstCopies();
            noteTrouble(consumer, "its first run (initial sync)");
            consumer = restartConsumer(rig);
            answerRepair(rig, consumer);
            noopRestarts(rig);
            changes(rig, broker, consumer);
            part.detailSeries(CONSUMER_PEAK_RESTARTED, Unit.MEBIBYTES).add(consumer.peakRssKib() / 1024.0);
            part.detailSeries("on disk: producer state after the 1% changes", Unit.MEBIBYTES)
                    .add(bytesUnder(state) / MIB);
            part.detailSeries("on disk: consumer's DST/.ferry after the 1% changes", Unit.MEBIBYTES)
                    .add(bytesUnder(mirror.resolve(".ferry")) / MIB);
            noteTrouble(consumer, "its restart to the end");
            noteTrouble(broker, "the whole size");
        }
        // What else the machine ran weighs on a size's numbers, the initial sync's above all (it does not alternate).
        result.method.add("Load average (1/5/15 min) at " + label + ": " + loadBefore + " before the initial sync, "
                + Machine.loadAverage() + " after the 1% changes.");
        say("removing the trees");
        context.remove(source);
        context.remove(run);
        context.remove(rsyncMirror);
        context.remove(rsyncFsyncMirror);
    }

    /**
     * A consumer started on an empty destination, then the clock from the start of
     * {@code producer --once} until nothing waits on the queue; returns the consumer, still running.
     */
    private Launched initialSync(FerryRig rig, Launched broker, Series perFile) throws Exception {
        Series seconds = part.detailSeries(INITIAL, Unit.SECONDS);
        Series perFileHere = part.detailSeries(INITIAL_PER_FILE, Unit.MICROSECONDS_PER_FILE);
        Series rate = part.detailSeries(INITIAL_RATE, Unit.FILES_PER_SECOND);
        Series exited = part.detailSeries("initial sync: producer --once exited", Unit.SECONDS);
        FerryCpu cpu = new FerryCpu(part, SYNC_CPU);
        say("starting a consumer on an empty destination");
        Launched consumer = rig.startConsumer(mirror, List.of(), timeout);
        consumer.awaitOutput(CONSUMER_READY, timeout);
        part.detailSeries(CONSUMER_START_EMPTY, Unit.SECONDS).add(FerryLog.secondsUntil(consumer, CONSUMER_READY));
        context.settleDisk();
        say("initial sync");
        FerryCpu.Mark cpuAtStart = FerryCpu.Mark.of(broker, consumer);
        long start = System.nanoTime();
        Launched producer = rig.startProducer(source, state, true, List.of());
        UsageSampler producerUsage = UsageSampler.start(producer);
        producer.awaitSuccess(timeout);
        exited.add(BenchContext.secondsSince(start));
        say("the producer has exited after " + Unit.SECONDS.format(BenchContext.secondsSince(start))
                + "; waiting for the consumer");
        int queries = rig.awaitDrained(timeout, SLOWEST_POLL);
        double total = BenchContext.secondsSince(start);
        FerryCpu.Spent spent = cpuAtStart.spentSince(producerUsage, queries);
        cpu.add(spent, rig.trafficThroughQueue().bytes());
        seconds.add(total);
        perFileHere.add(total / files * 1e6);
        perFile.add(total / files * 1e6);
        rate.add(files / total);
        say("mirror complete after " + Unit.SECONDS.format(total));
        part.detailSeries(PRODUCER_PEAK_SYNC, Unit.MEBIBYTES).add(producerUsage.peakMib());
        part.detailSeries(CONSUMER_PEAK_SYNC, Unit.MEBIBYTES).add(consumer.peakRssKib() / 1024.0);
        part.detailSeries(BROKER_PEAK, Unit.MEBIBYTES).add(broker.peakRssKib() / 1024.0);
        part.detailSeries(PRODUCER_START_EMPTY, Unit.SECONDS).add(FerryLog.secondsUntil(producer, PRODUCER_READY));
        part.detailSeries("initial sync: producer's log (a line per file at the default level)", Unit.MEBIBYTES)
                .add(Files.size(producer.log()) / MIB);
        part.detailSeries("initial sync: consumer's log (a line per file at the default level)", Unit.MEBIBYTES)
                .add(Files.size(consumer.log()) / MIB);
        noteTrouble(producer, "the initial sync");
        say("checking the mirror against the source");
        TreeSnapshot.of(mirror).requireEqualTo(TreeSnapshot.of(source), "Ferry's mirror after the initial sync of "
                + label);
        return consumer;
    }

    /**
     * rsync's copies that the restarts compare with: one for {@code rsync -a}, timed for context,
     * and one for {@code rsync -a --fsync}, made without fsync (at a million files a fsync each
     * would take longer than everything else).
     */
    private void rsyncFirstCopies() throws InterruptedException {
        say("rsync's copies, for the restarts to compare with");
        context.settleDisk();
        long start = System.nanoTime();
        context.launcher.run("rsync-first-copy", CopyCommand.rsync(source, "-a").apply(rsyncMirror), timeout);
        part.detailSeries(RSYNC_FIRST, Unit.SECONDS).add(BenchContext.secondsSince(start));
        if (context.tools.rsyncFsync()) {
            context.launcher.run("rsync-second-copy", CopyCommand.rsync(source, "-a").apply(rsyncFsyncMirror),
                    timeout);
        } else {
            result.method.add("This rsync has no --fsync (it came with 3.2.4): the 1% change was not measured with "
                    + "`rsync -a --fsync`.");
        }
    }

    /** Stops the consumer and starts it again on the whole mirror; returns the new one. */
    private Launched restartConsumer(FerryRig rig) throws InterruptedException {
        say("restarting the consumer on the whole mirror");
        rig.stopConsumer();
        Launched consumer = rig.startConsumer(mirror, List.of(), timeout);
        consumer.awaitOutput(CONSUMER_READY, timeout);
        part.detailSeries(CONSUMER_START_FULL, Unit.SECONDS).add(FerryLog.secondsUntil(consumer, CONSUMER_READY));
        part.detailSeries(CONSUMER_PEAK_LEDGER, Unit.MEBIBYTES).add(consumer.peakRssKib() / 1024.0);
        return consumer;
    }

    /**
     * A consumer on a new destination asks its producer for a repair (a late join), and a
     * {@code producer --once} never answers one: after 10 minutes without an answer the consumer
     * gives up and surveys the whole mirror to ask again, which at a million files would fall into
     * the measurements. So, off the clock, a watching producer answers it, as it would in a
     * deployment; the time it took is shown for context.
     */
    private void answerRepair(FerryRig rig, Launched consumer) throws InterruptedException {
        if (FerryLog.firstLineWith(consumer, REPAIR_PENDING) == null) {
            result.method.add(label + ": the restarted consumer had no repair waiting for an answer, so no watching "
                    + "producer was started.");
            return;
        }
        say("a watching producer answers the consumer's repair (setup)");
        long start = System.nanoTime();
        Launched watcher = rig.startProducer(source, state, false, List.of());
        UsageSampler watcherUsage = UsageSampler.start(watcher);
        consumer.awaitOutput(REPAIR_APPLIED, timeout);
        part.detailSeries("setup: the consumer's repair answered by a watching producer (for context)",
                Unit.SECONDS).add(BenchContext.secondsSince(start));
        part.detailSeries(CONSUMER_PEAK_REPAIR, Unit.MEBIBYTES).add(consumer.peakRssKib() / 1024.0);
        part.detailSeries(PRODUCER_PEAK_WATCHING, Unit.MEBIBYTES).add(watcherUsage.peakMib());
        watcher.stop();
        noteTrouble(watcher, "the repair it answered");
    }

    private void noopRestarts(FerryRig rig) throws Exception {
        Series ferry = part.detailSeries(NOOP, Unit.SECONDS);
        Series rsync = part.detailSeries(NOOP_RSYNC, Unit.SECONDS);
        Series ferryPerFile = part.detailSeries(NOOP_PER_FILE, Unit.MICROSECONDS_PER_FILE);
        Series rsyncPerFile = part.detailSeries(NOOP_RSYNC_PER_FILE, Unit.MICROSECONDS_PER_FILE);
        Series inside = part.detailSeries("no-op restart: the producer's own time (its summary)", Unit.SECONDS);
        Series peak = part.detailSeries(PRODUCER_PEAK_NOOP, Unit.MEBIBYTES);
        Series startUp = part.detailSeries(PRODUCER_START_FULL, Unit.SECONDS);
        Alternation.Contender ferryRun = new Alternation.Contender(ferry, repetition -> {
            context.settleDisk();
            long start = System.nanoTime();
            Launched producer = rig.startProducer(source, state, true, List.of());
            UsageSampler usage = UsageSampler.start(producer);
            producer.awaitSuccess(timeout);
            double seconds = BenchContext.secondsSince(start);
            inside.add(NoopRestart.noopSeconds(producer));
            peak.add(usage.peakMib());
            startUp.add(FerryLog.secondsUntil(producer, PRODUCER_READY));
            ferryPerFile.add(seconds / files * 1e6);
            noteTrouble(producer, "a no-op restart");
            return seconds;
        });
        Alternation.Contender rsyncRun = new Alternation.Contender(rsync, repetition -> {
            List<String> command = CopyCommand.rsync(source, "-a").apply(rsyncMirror);
            context.settleDisk();
            long start = System.nanoTime();
            context.launcher.run("rsync-noop", command, timeout);
            double seconds = BenchContext.secondsSince(start);
            rsyncPerFile.add(seconds / files * 1e6);
            return seconds;
        });
        say("no-op restarts");
        Alternation.run(result, label + ", ", context.repetitions, List.of(ferryRun, rsyncRun));
    }

    private void changes(FerryRig rig, Launched broker, Launched consumer) throws Exception {
        Series ferry = part.detailSeries(CHANGED, Unit.SECONDS);
        Series rsync = part.detailSeries(CHANGED_RSYNC, Unit.SECONDS);
        Series rsyncFsync = context.tools.rsyncFsync() ? part.detailSeries(CHANGED_RSYNC_FSYNC, Unit.SECONDS) : null;
        Series perFile = part.detailSeries(CHANGED_PER_FILE, Unit.MICROSECONDS_PER_FILE);
        Series exited = part.detailSeries("1% changed: producer --once exited", Unit.SECONDS);
        Series peak = part.detailSeries(PRODUCER_PEAK_CHANGED, Unit.MEBIBYTES);
        Series startUp = part.series(PRODUCER_START_FULL); // The no-op restarts' series: the same start.
        FerryCpu cpu = new FerryCpu(part, "1% changed: ");
        Change change = new Change();
        List<Alternation.Contender> contenders = new ArrayList<>();
        contenders.add(new Alternation.Contender(ferry, repetition -> {
            TreeSnapshot expected = change.makeFor(repetition);
            context.settleDisk();
            BrokerTraffic.Traffic before = rig.trafficThroughQueue();
            FerryCpu.Mark cpuAtStart = FerryCpu.Mark.of(broker, consumer);
            long start = System.nanoTime();
            Launched producer = rig.startProducer(source, state, true, List.of());
            UsageSampler usage = UsageSampler.start(producer);
            producer.awaitSuccess(timeout);
            exited.add(BenchContext.secondsSince(start));
            int queries = rig.awaitDrained(timeout, SLOWEST_POLL);
            double seconds = BenchContext.secondsSince(start);
            cpu.add(cpuAtStart.spentSince(usage, queries), rig.trafficThroughQueue().since(before).bytes());
            perFile.add(seconds / files * 1e6);
            peak.add(usage.peakMib());
            startUp.add(FerryLog.secondsUntil(producer, PRODUCER_READY));
            noteTrouble(producer, "a restart after 1% changed");
            TreeSnapshot.of(mirror).requireEqualTo(expected, "Ferry's mirror, 1% changed, repetition " + repetition);
            return seconds;
        }));
        contenders.add(rsyncChange(rsync, change, rsyncMirror, "-a"));
        if (rsyncFsync != null) {
            contenders.add(rsyncChange(rsyncFsync, change, rsyncFsyncMirror, "-a", "--fsync"));
        }
        say("restarts after 1% changed");
        Alternation.run(result, label + ", ", context.repetitions, contenders);
    }

    /** rsync bringing {@code copy} up to date with the change of the repetition, checked afterwards. */
    private Alternation.Contender rsyncChange(Series series, Change change, Path copy, String... options) {
        String name = series.tool();
        return new Alternation.Contender(series, repetition -> {
            TreeSnapshot expected = change.makeFor(repetition);
            List<String> command = CopyCommand.rsync(source, options).apply(copy);
            context.settleDisk();
            long start = System.nanoTime();
            context.launcher.run(name.replaceAll("[^A-Za-z0-9]+", "-"), command, timeout);
            double seconds = BenchContext.secondsSince(start);
            TreeSnapshot.of(copy).requireEqualTo(expected, name + " at " + label + ", repetition " + repetition);
            return seconds;
        });
    }

    /** The sizes of the producer's state and of the consumer's bookkeeping, in all and per file. */
    private void onDisk(String stateName, String statePerFile, String ledgerName, String ledgerPerFile)
            throws IOException {
        long stateBytes = bytesUnder(state);
        long ledgerBytes = bytesUnder(mirror.resolve(".ferry"));
        part.detailSeries(stateName, Unit.MEBIBYTES).add(stateBytes / MIB);
        part.detailSeries(statePerFile, Unit.BYTES_PER_FILE).add((double) stateBytes / files);
        part.detailSeries(ledgerName, Unit.MEBIBYTES).add(ledgerBytes / MIB);
        part.detailSeries(ledgerPerFile, Unit.BYTES_PER_FILE).add((double) ledgerBytes / files);
    }

    /**
     * Puts in the report what went wrong in a Ferry process without failing it: its first warnings
     * and errors, and a repair it gave up on (which makes a consumer survey the whole mirror).
     */
    private void noteTrouble(Launched process, String during) {
        FerryLog.Found found = FerryLog.linesWith(process, TROUBLE, LISTED_TROUBLE);
        for (String line : found.first()) {
            result.method.add("Seen at " + label + ", " + process.name() + " during " + during + ": `"
                    + line.replace("`", "'") + "`");
        }
        if (found.count() > found.first().size()) {
            result.method.add("Seen at " + label + ", " + process.name() + " during " + during + ": "
                    + (found.count() - found.first().size()) + " more warnings or errors (its log is kept with "
                    + "BENCH_KEEP=1).");
        }
    }

    private void say(String what) {
        Progress.say("scenario " + MillionFiles.ID + ", " + label + ": " + what);
    }

    /** The bytes of the regular files under {@code dir} (their sizes, not the blocks they take). */
    private static long bytesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(path -> {
                try {
                    return Files.size(path);
                } catch (IOException e) {
                    return 0; // Gone since the walk listed it: a staged file moved into place, say.
                }
            }).sum();
        }
    }

    /** A repetition's change: 1% of the files rewritten, once, before the first tool of the repetition looks. */
    private final class Change {

        private int made;
        private TreeSnapshot expected;

        TreeSnapshot makeFor(int repetition) throws IOException {
            if (made != repetition) {
                int rewritten = tree.rewrite(CHANGE_EVERY, repetition);
                say("rewrote " + InitialSync.count(rewritten) + " files (repetition " + repetition
                        + "); reading the tree for the checks");
                expected = TreeSnapshot.of(source);
                made = repetition;
            }
            return expected;
        }
    }
}
