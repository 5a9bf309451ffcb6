package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Scenario 3: one large file, Ferry's producer and consumer limited to a 64 MiB heap, against
 * {@code cp} followed by {@code sync} and {@code rsync -a --whole-file --fsync}.
 */
final class LargeFile implements Scenario {

    static final String CP_SYNC = "cp -p + sync";
    static final String RSYNC = "rsync -a --whole-file --fsync";
    private static final List<String> SMALL_HEAP = List.of("-Xmx64m");
    private static final double RSS_LIMIT_MIB = 256;
    /** Issue 16's bound on the broker's CPU per GiB through its queue. */
    private static final double BROKER_CPU_LIMIT = 2;

    @Override
    public int id() {
        return 3;
    }

    @Override
    public ScenarioResult describe(Mode mode) {
        String size = Unit.number(mode.bigFileBytes / (double) (1 << 20)) + " MiB";
        return new ScenarioResult(3, "One large file", "one file of " + size
                + "; producer and consumer run with -Xmx64m");
    }

    @Override
    public void run(BenchContext context, ScenarioResult result) throws Exception {
        long bytes = context.mode.bigFileBytes;
        Path source = context.freshDir("s3-src");
        Progress.say("scenario 3: generating " + result.setup);
        DataSets.oneFile(source.resolve("big.bin"), bytes, 3000L);
        TreeSnapshot expected = TreeSnapshot.of(source);
        Duration timeout = context.timeoutForBytes(bytes);

        List<Alternation.Contender> ferries = new java.util.ArrayList<>();
        for (Sealing way : Sealing.all(context.freshDir("s3-keys"))) {
            ferries.add(new Alternation.Contender(result.mainSeries(way.label(), Unit.SECONDS),
                    new FerrySync(context, source, expected, SMALL_HEAP, timeout, result, true, way)));
        }
        Alternation.Contender cpSync = new Alternation.Contender(result.mainSeries(CP_SYNC, Unit.SECONDS),
                new CopyCommand(context, CP_SYNC, source, expected, destination -> List.of("sh", "-c",
                        "mkdir \"$1\" && cp -p \"$0/big.bin\" \"$1/big.bin\" && sync \"$1/big.bin\" \"$1\"",
                        source.toString(), destination.toString()), timeout));
        List<Alternation.Contender> contenders = new java.util.ArrayList<>(ferries);
        contenders.add(cpSync);
        if (context.tools.rsyncFsync()) {
            contenders.add(new Alternation.Contender(result.mainSeries(RSYNC, Unit.SECONDS),
                    new CopyCommand(context, RSYNC, source, expected,
                            CopyCommand.rsync(source, "-a", "--whole-file", "--fsync"), timeout)));
        } else {
            result.method.add("This rsync has no --fsync (it came with 3.2.4): that baseline was not run.");
        }
        result.method.add("Ferry is timed as in scenario 1 (producer start until nothing waits on the queue), "
                + "with -Xmx64m for producer and consumer. Peak RSS is the kernel's high-water mark (VmHWM in "
                + "/proc/PID/status): the consumer's and broker's read when the queue is drained, the producer's "
                + "sampled every 20 ms until it exits.");
        result.method.add(FerryCpu.METHOD);
        result.method.add("Ferry runs three ways, alternated: as it is, signed, and signed + encrypted (as in "
                + "scenario 1); the ratios of their medians are what signing and encryption cost.");
        result.method.add("`cp -p` (cp keeping mode and mtime, so the result can be checked like the others) then "
                + "`sync FILE DIR`, which fsyncs the copy and its directory: the same durability Ferry gives, "
                + "without flushing the rest of the machine's dirty pages.");
        result.method.add("The source file is in the page cache for every tool alike (it was just generated, and "
                + "every run reads it).");
        Alternation.run(result, context.repetitions, contenders);
        String costs = Sealing.costs(result);
        if (costs != null) {
            result.method.add(costs);
        }

        result.targets.add(TargetCheck.atMost("Ferry within 4× of `cp` + `sync`", result.ferry().median(),
                4 * result.baseline(CP_SYNC).median(), Unit.SECONDS));
        for (Series memory : result.details) {
            if (memory.unit() == Unit.MEBIBYTES && !memory.tool().contains("broker")) {
                result.targets.add(TargetCheck.atMost(memory.tool().replace("Ferry: ", "") + " under 256 MiB (the "
                        + "largest of all runs)", memory.max(), RSS_LIMIT_MIB, Unit.MEBIBYTES));
            }
        }
        result.targets.add(TargetCheck.atMost("broker CPU per GiB through its queue under 2 s",
                result.detail(FerryCpu.BROKER_PER_GIB).median(), BROKER_CPU_LIMIT, Unit.SECONDS_PER_GIB));
        context.remove(source);
    }
}
