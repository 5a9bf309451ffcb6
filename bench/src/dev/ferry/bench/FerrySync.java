package dev.ferry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Ferry making a first copy, the way scenarios 1 to 3 measure it. Before the clock starts: a fresh
 * broker and a consumer on an empty destination, attached to the queue. The clock runs from the
 * start of {@code producer --once} until the producer has exited and no message waits on the queue
 * (see {@link FerryRig}); the destination is compared with the source after the clock has stopped.
 * Every run also records the CPU each process spent on the clock ({@link FerryCpu}).
 */
final class FerrySync implements Alternation.Run {

    /** What one run measured besides its total time. */
    record Outcome(double seconds, double producerExitSeconds, double producerPeakMib, double consumerPeakMib,
                   double brokerPeakMib, FerryCpu.Spent cpu, BrokerTraffic.Traffic traffic) {
    }

    private final BenchContext context;
    private final Path source;
    private final TreeSnapshot expected;
    private final List<String> jvmOptions;
    private final Duration timeout;
    private final Series producerExit;
    private final Series producerPeak;
    private final Series consumerPeak;
    private final Series brokerPeak;
    private final FerryCpu cpu;
    private final Sealing sealing;
    private Series brokerBytes;
    private Series brokerMessages;

    /**
     * @param jvmOptions    options for the producer's and the consumer's JVM (say, {@code -Xmx64m})
     * @param details       where the time to the producer's exit, the CPU of each process (and its peak memory) go
     * @param measureMemory whether to record the peak memory of producer, consumer and broker
     */
    FerrySync(BenchContext context, Path source, TreeSnapshot expected, List<String> jvmOptions, Duration timeout,
              ScenarioResult details, boolean measureMemory) {
        this(context, source, expected, jvmOptions, timeout, details, measureMemory, Sealing.NONE);
    }

    /** The same, with messages signed and encrypted as {@code sealing} says; its details named after it. */
    FerrySync(BenchContext context, Path source, TreeSnapshot expected, List<String> jvmOptions, Duration timeout,
              ScenarioResult details, boolean measureMemory, Sealing sealing) {
        this.sealing = sealing;
        this.context = context;
        this.source = source;
        this.expected = expected;
        this.jvmOptions = jvmOptions;
        this.timeout = timeout;
        String prefix = sealing.prefix();
        this.producerExit = details.detailSeries(prefix + "producer --once exited", Unit.SECONDS);
        this.producerPeak = measureMemory ? details.detailSeries(prefix + "producer peak RSS", Unit.MEBIBYTES) : null;
        this.consumerPeak = measureMemory ? details.detailSeries(prefix + "consumer peak RSS", Unit.MEBIBYTES) : null;
        this.brokerPeak = measureMemory ? details.detailSeries(prefix + "broker peak RSS", Unit.MEBIBYTES) : null;
        this.cpu = new FerryCpu(details, prefix);
    }

    /**
     * Also records, per run, the MiB and the messages the broker took onto the mirror's queue (see
     * {@link FerryRig#trafficThroughQueue()}).
     */
    FerrySync countingBrokerTraffic(Series mebibytes, Series messages) {
        this.brokerBytes = mebibytes;
        this.brokerMessages = messages;
        return this;
    }

    @Override
    public double measure(int repetition) throws Exception {
        Path run = context.freshDir("ferry-run");
        Path destination = run.resolve("dst");
        Outcome outcome;
        try (FerryRig rig = new FerryRig(context.launcher, context.ferry, run.resolve("broker"), sealing)) {
            Launched broker = rig.startBroker();
            Launched consumer = rig.startConsumer(destination, jvmOptions);
            context.settleDisk();
            FerryCpu.Mark cpuAtStart = FerryCpu.Mark.of(broker, consumer);
            long start = System.nanoTime();
            Launched producer = rig.startProducer(source, run.resolve("producer-state"), true, jvmOptions);
            UsageSampler producerUsage = UsageSampler.start(producer);
            producer.awaitSuccess(timeout);
            double producerSeconds = BenchContext.secondsSince(start);
            int queries = rig.awaitDrained(timeout);
            double seconds = BenchContext.secondsSince(start);
            FerryCpu.Spent spent = cpuAtStart.spentSince(producerUsage, queries);
            // A fresh broker: all its queue ever took is this run's.
            BrokerTraffic.Traffic traffic = rig.trafficThroughQueue();
            outcome = new Outcome(seconds, producerSeconds, producerUsage.peakMib(), consumer.peakRssKib() / 1024.0,
                    broker.peakRssKib() / 1024.0, spent, traffic);
        }
        TreeSnapshot.of(destination).requireEqualTo(expected, "Ferry, repetition " + repetition);
        context.remove(run);
        producerExit.add(outcome.producerExitSeconds());
        cpu.add(outcome.cpu(), outcome.traffic().bytes());
        if (brokerBytes != null) {
            brokerBytes.add(outcome.traffic().bytes() / (double) (1 << 20));
            brokerMessages.add(outcome.traffic().messages());
        }
        if (producerPeak != null) {
            producerPeak.add(outcome.producerPeakMib());
            consumerPeak.add(outcome.consumerPeakMib());
            brokerPeak.add(outcome.brokerPeakMib());
        }
        return outcome.seconds();
    }
}
