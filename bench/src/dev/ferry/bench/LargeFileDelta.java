package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 8: a small change to a large file that is already mirrored (issue 15). One file of
 * random bytes, mirrored by Ferry and copied by rsync before the clock starts; then, each
 * repetition, 1 MiB rewritten in its middle and 1 MiB appended. Ferry's {@code producer --once}
 * sends that as a delta; the baseline is rsync's delta algorithm between local directories,
 * {@code rsync -a --no-whole-file --fsync}, from the changed file to its copy of the version before.
 */
final class LargeFileDelta implements Scenario {

    static final String RSYNC = "rsync -a --no-whole-file --fsync";
    private static final int CHANGE_BYTES = 1 << 20;
    private static final double MIB = 1 << 20;
    /** Issue 15's bound on what the change may cost through the broker. */
    private static final double BROKER_LIMIT_MIB = 3;
    private static final Pattern LITERAL = Pattern.compile("Literal data: ([0-9,]+) bytes");

    @Override
    public int id() {
        return 8;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        return new ScenarioResult(8, "Delta of a large file", "one file of "
                + Unit.number(mode.deltaFileBytes / MIB) + " MiB of random bytes, already mirrored; then 1 MiB "
                + "rewritten in its middle and 1 MiB appended");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        long bytes = context.mode.deltaFileBytes;
        Path source = context.freshDir("s8-src");
        Path file = source.resolve("big.bin");
        Path run = context.freshDir("s8-ferry");
        Path mirror = run.resolve("mirror");
        Path state = run.resolve("producer-state");
        Path rsyncMirror = context.absentPath("s8-rsync");
        Progress.say("scenario 8: generating " + result.setup);
        DataSets.oneFile(file, bytes, 8000L);
        Duration timeout = context.timeoutForBytes(bytes);
        Series broker = result.detailSeries("Ferry: bytes through the broker", Unit.MEBIBYTES);
        Series messages = result.detailSeries("Ferry: messages through the broker", Unit.MESSAGES);
        Series producerExit = result.detailSeries("Ferry: producer --once exited", Unit.SECONDS);
        Series literal = result.detailSeries("rsync: literal data (its --stats), for context", Unit.MEBIBYTES);
        FerryCpu cpu = new FerryCpu(result);
        List<String> rsyncOptions = new ArrayList<>(List.of("-a", "--no-whole-file", "--stats"));
        String rsyncName = context.tools.rsyncFsync() ? RSYNC : "rsync -a --no-whole-file";
        if (context.tools.rsyncFsync()) {
            rsyncOptions.add("--fsync");
        } else {
            result.method.add("This rsync has no --fsync (it came with 3.2.4): the baseline ran without it.");
        }
        method(result);
        Change change = new Change(source, file);
        try (FerryRig rig = new FerryRig(context.launcher, context.ferry, run.resolve("broker"))) {
            Launched brokerProcess = rig.startBroker();
            Launched consumer = rig.startConsumer(mirror, List.of());
            Progress.say("scenario 8: mirroring the file with Ferry and rsync (setup)");
            rig.startProducer(source, state, true, List.of()).awaitSuccess(timeout);
            rig.awaitDrained(timeout);
            context.launcher.run("rsync-setup", CopyCommand.rsync(source, "-a").apply(rsyncMirror), timeout);

            Alternation.Contender ferry = new Alternation.Contender(result.mainSeries("Ferry", Unit.SECONDS),
                    repetition -> {
                        TreeSnapshot expected = change.makeFor(repetition);
                        context.settleDisk();
                        BrokerTraffic.Traffic before = rig.trafficThroughQueue();
                        FerryCpu.Mark cpuAtStart = FerryCpu.Mark.of(brokerProcess, consumer);
                        long start = System.nanoTime();
                        Launched producer = rig.startProducer(source, state, true, List.of());
                        UsageSampler producerUsage = UsageSampler.start(producer);
                        producer.awaitSuccess(timeout);
                        producerExit.add(BenchContext.secondsSince(start));
                        int queries = rig.awaitDrained(timeout);
                        double seconds = BenchContext.secondsSince(start);
                        FerryCpu.Spent spent = cpuAtStart.spentSince(producerUsage, queries);
                        BrokerTraffic.Traffic sent = rig.trafficThroughQueue().since(before);
                        broker.add(sent.bytes() / MIB);
                        messages.add(sent.messages());
                        cpu.add(spent, sent.bytes());
                        TreeSnapshot.of(mirror).requireEqualTo(expected, "Ferry, repetition " + repetition);
                        return seconds;
                    });
            List<String> rsyncCommand = CopyCommand.rsync(source, rsyncOptions.toArray(String[]::new))
                    .apply(rsyncMirror);
            Alternation.Contender rsync = new Alternation.Contender(result.mainSeries(rsyncName, Unit.SECONDS),
                    repetition -> {
                        TreeSnapshot expected = change.makeFor(repetition);
                        context.settleDisk();
                        long start = System.nanoTime();
                        Launched done = context.launcher.run("rsync-delta", rsyncCommand, timeout);
                        double seconds = BenchContext.secondsSince(start);
                        Matcher stats = LITERAL.matcher(done.output());
                        if (stats.find()) {
                            literal.add(Long.parseLong(stats.group(1).replace(",", "")) / MIB);
                        }
                        TreeSnapshot.of(rsyncMirror).requireEqualTo(expected, rsyncName + ", repetition " + repetition);
                        return seconds;
                    });
            Alternation.run(result, context.repetitions, List.of(ferry, rsync));
        }
        result.targets.add(TargetCheck.atMost("under " + Unit.number(BROKER_LIMIT_MIB) + " MiB through the broker",
                broker.median(), BROKER_LIMIT_MIB, Unit.MEBIBYTES));
        result.targets.add(TargetCheck.atMost("Ferry no slower than `" + rsyncName + "`", result.ferry().median(),
                result.baseline(rsyncName).median(), Unit.SECONDS));
        context.remove(source);
        context.remove(run);
        context.remove(rsyncMirror);
    }

    private static void method(ScenarioResult result) {
        result.method.add("Setup, not measured: a broker and a consumer are started; `producer --once` publishes the "
                + "file and the consumer applies it (the producer keeps the file's chunk list in its state "
                + "directory); `rsync -a` makes its own copy.");
        result.method.add("Each repetition, before the first tool and off the clock: 1 MiB of new random bytes "
                + "overwrites the middle of the file, 1 MiB more is appended, and the file gets a new (fixed, past) "
                + "modification time. Then each tool brings its copy of the version before up to date.");
        result.method.add("Ferry: `producer --once` with the state of the setup, from its start (JVM start included) "
                + "until it has exited and the broker reports nothing waiting, as in scenarios 1-3; the consumer runs "
                + "and is attached throughout. This, not a producer already watching, is the analogue of rsync: "
                + "a process started after the change, which finds it by looking and has nothing warmed up. "
                + "It also leaves out the watcher's quiet period (a matter of latency, scenario 4).");
        result.method.add("Bytes through the broker: what the broker's statistics plugin says it took onto the "
                + "mirror's queue during the run (enqueue count × average message size, before and after), the same "
                + "measure as scenario 7's. ActiveMQ sizes a message as body + properties + a fixed 1,024 bytes for "
                + "its headers, so 1 KiB per message counted is that allowance. The plugin rounds the average down, "
                + "so this is low by at most a byte per message the queue has taken since the broker started "
                + "(some thousands of bytes, of a 1 GiB setup).");
        result.method.add(FerryCpu.METHOD + " The broker and the consumer run through every repetition; the CPU "
                + "counted is what they used between a repetition's readings.");
        result.method.add("`" + RSYNC + " --stats SRC/ COPY/`, from start to exit; its `--stats` only adds the "
                + "summary whose literal data is shown for context (the bytes rsync's sender could not match in the "
                + "old copy).");
        result.method.add("After each run, off the clock, the copy is compared with the source in full (size, "
                + "SHA-256, permission bits, modification time). `sync` runs before each measured run.");
    }

    /** The change of one repetition: made once, before the first tool of that repetition looks. */
    private static final class Change {

        private final Path source;
        private final Path file;
        private int made;
        private TreeSnapshot expected;

        Change(Path source, Path file) {
            this.source = source;
            this.file = file;
        }

        /** Makes repetition {@code repetition}'s change unless made already; the tree as it is after it. */
        TreeSnapshot makeFor(int repetition) throws IOException {
            if (made != repetition) {
                long size = Files.size(file);
                DataSets.writeAt(file, (size - CHANGE_BYTES) / 2, CHANGE_BYTES, 8100L + repetition);
                DataSets.writeAt(file, size, CHANGE_BYTES, 8200L + repetition);
                Files.setLastModifiedTime(file, DataSets.fixedTime(3600L * repetition));
                expected = TreeSnapshot.of(source);
                made = repetition;
            }
            return expected;
        }
    }
}
