package dev.ferry.cli;

import dev.ferry.cli.systemd.ServiceNotifier;
import dev.ferry.monitor.BrokerMirrorQueues;
import dev.ferry.monitor.HeartbeatSender;
import dev.ferry.monitor.Heartbeats;
import dev.ferry.monitor.ProcessIdentity;
import dev.ferry.monitor.ProducerTally;
import dev.ferry.producer.MirrorBudget;
import dev.ferry.producer.MirrorWatch;
import dev.ferry.producer.Producer;
import dev.ferry.producer.ProducerSettings;
import dev.ferry.wire.seal.Seal;
import dev.ferry.wire.seal.SigningKey;
import dev.ferry.wire.seal.TrustedKeys;
import dev.ferry.producer.PublishSummary;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Publishes the changes of a source directory as events on the queue. */
@Command(name = "producer",
        description = {"Publish the changes of a directory on the queue.",
                "Publishes what differs since the last run, then follows the changes until Ctrl-C; "
                        + "with --once, exits instead."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry producer --source ~/photos --broker tcp://nas.local:61616 --once",
                "  ferry producer --source ~/photos --mirror default --mirror offsite",
                "  ferry producer --source ~/photos --mirror-backlog-limit 500MB"})
final class ProducerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--source", required = true, paramLabel = "SRC", description = "Directory to publish.")
    Path source;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--mirror", paramLabel = "NAME", split = ",", defaultValue = WireFormat.DEFAULT_MIRROR,
            converter = MirrorName.class,
            description = "A mirror whose queue to keep from the first change on, so it receives everything even "
                    + "before its consumer ever ran (default: ${DEFAULT-VALUE}); repeat it, or separate names by "
                    + "commas, for several. A mirror not named receives what is published once its consumer has "
                    + "connected.")
    List<String> mirrors;

    @Option(names = "--mirror-backlog-limit", paramLabel = "SIZE", defaultValue = BacklogLimit.AUTO,
            converter = BacklogLimit.class,
            description = "Drop a mirror that has no consumer once its backlog on the broker passes SIZE (500MB, "
                    + "2GiB, bytes): its queue is removed, which frees the broker's store, and it is marked as needing "
                    + "a repair. Default ${DEFAULT-VALUE}: 2 GiB, a quarter of the 8 GiB store of broker-config/ and "
                    + "ferry broker, since while one mirror is away the store keeps every mirror's copy of what it "
                    + "missed; past 3 mirror queues, 6 GiB shared among them. Keep SIZE x mirror queues well under "
                    + "the broker's store limit: a full store stops the producer for every mirror.")
    MirrorBudget backlogLimit;

    @Option(names = "--state", paramLabel = "DIR",
            description = "Where to remember what was published (default: a directory per source and "
                    + "queue under $XDG_DATA_HOME/ferry/producer, else ~/.local/share/ferry/producer).")
    Path state;

    @Option(names = "--signing-key", paramLabel = "KEYFILE",
            description = "Sign every message with this key (ferry keygen), so that consumers that trust its public "
                    + "key (--trust-producer) apply only what this producer sent.")
    Path signingKey;

    @Mixin
    EncryptKeyOption encryptKey;

    @Option(names = "--once", fallbackValue = "true", description = "Publish the differences, print a summary and exit.")
    boolean once;

    @Option(names = "--batch-events", paramLabel = "N",
            description = "At most N events per broker transaction (default: ${DEFAULT-VALUE}); a transaction "
                    + "also ends at 8 MiB of file bodies. Fewer means more commits, each of them an fsync on the broker.")
    int batchEvents = ProducerSettings.DEFAULT_BATCH_MESSAGES;

    @Option(names = "--rescan-interval", paramLabel = "DURATION", converter = PositiveDuration.class,
            description = "How often a directory the watcher cannot watch (the inotify watch limit reached, "
                    + "permission denied) is compared with what was published, with everything below it "
                    + "(default: 60s). The producer says once which limit to raise; `ferry status` counts them.")
    Duration rescanInterval = ProducerSettings.DEFAULT_RESCAN_INTERVAL;

    @Option(names = "--quiet-period", paramLabel = "DURATION", converter = PositiveDuration.class,
            description = "How long a file must have been left alone before it is read when its writer was not "
                    + "seen closing it (default: 50ms). A file closed after writing is read at once (Linux); one "
                    + "written through mmap, kept open, or on another system waits this long after its last "
                    + "change. Longer for writers that pause mid-file (a slow network mount).")
    Duration quietPeriod = ProducerSettings.DEFAULT_QUIET_PERIOD;

    @Mixin
    IgnoreOptions ignore;

    @Mixin
    MonitoringOptions monitoring;

    @Override
    public Integer call() throws Exception {
        String queue = connection.queue();
        Seal seal = Seal.of(queue, signer(), TrustedKeys.NONE, encryptKey.key(spec)); // a bad key file changes nothing
        Path sourceDir = Directories.source(source);
        BrokerEndpoint endpoint = connection.endpoint();
        Path stateDir = state != null ? state
                : DataDirectory.producerState(DataDirectory.of(Ferry.of(spec).environment()), sourceDir,
                        queue);
        Clock clock = Clock.systemUTC();
        ProducerTally tally = new ProducerTally(clock);
        PrintWriter out = spec.commandLine().getOut();
        try (Monitoring watching = Monitoring.start(monitoring.metricsPort(), clock)) {
            watching.watchQueue(endpoint, queue);
            ProducerSettings settings = ProducerSettings.defaults(sourceDir, stateDir, queue).withMirrors(mirrors)
                    .withBatchMessages(positive(batchEvents)).withIgnore(ignore.settings())
                    .withRescanInterval(rescanInterval).withQuietPeriod(quietPeriod)
                    .withSeal(seal)
                    .withObserver(watching.producer(tally));
            if (once) {
                try (Producer producer = BrokerContact.call(endpoint, () -> Producer.open(settings, endpoint));
                     MirrorWatch mirrorWatch = watchMirrors(endpoint, queue, producer, clock);
                     HeartbeatSender beats = watching.heartbeat(endpoint, queue, Heartbeats.protecting(
                             Heartbeats.producer(tally, ProcessIdentity.current(), queue, sourceDir,
                                     producer.mirrorMarks(), producer::unwatchedDirectories, clock),
                             path -> settings.seal().protect(path, Seal.HEARTBEAT_PATH)));
                     ProgressReporter progress = ProgressReporter.start(monitoring.progress(), "sync", true,
                             new SyncProgress(tally, false), clock, last -> { })) {
                    PublishSummary summary = producer.publishOnce();
                    progress.finish();
                    out.println(Summaries.of(summary, tally.snapshot()));
                    out.flush();
                }
                return 0;
            }
            try (Supervisor supervisor = new Supervisor()) {
                Instant started = clock.instant();
                Producer producer = BrokerContact.call(endpoint, () -> Producer.open(settings, endpoint));
                supervisor.closeOnStop("mirror watch", watchMirrors(endpoint, queue, producer, clock));
                HeartbeatSender beats = watching.heartbeat(endpoint, queue, Heartbeats.protecting(
                        Heartbeats.producer(tally, ProcessIdentity.current(), queue, sourceDir, producer.mirrorMarks(),
                                producer::unwatchedDirectories, clock), path -> settings.seal().protect(path, Seal.HEARTBEAT_PATH)));
                ProgressReporter progress = ProgressReporter.start(monitoring.progress(), "initial sync", true,
                        new SyncProgress(tally, true), clock, last -> Summaries.print(out, "initial sync: "
                                + Summaries.of(tally.snapshot(), last.elapsed())));
                supervisor.closeOnStop("summary", () -> Summaries.print(out,
                        Summaries.of(tally.snapshot(), Duration.between(started, clock.instant()))));
                supervisor.closeOnStop("heartbeat", beats);
                supervisor.closeOnStop("progress", progress);
                supervisor.supervise("producer", producer, producer::watch);
                ServiceNotifier.ofThisProcess().ready("publishing " + sourceDir + " on " + queue);
                supervisor.runUntilStopped();
            }
        }
        return 0;
    }

    /** Watches the backlogs of the stream's mirrors, on a connection of its own, for {@code producer}. */
    private MirrorWatch watchMirrors(BrokerEndpoint endpoint, String queue, Producer producer, Clock clock) {
        return MirrorWatch.start(new BrokerMirrorQueues(endpoint, queue), producer.mirrorMarks(), backlogLimit, clock);
    }

    private int positive(int events) {
        if (events < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-events must be at least 1, got " + events);
        }
        return events;
    }

    private SigningKey signer() {
        return signingKey == null ? null : KeyFileArguments.read(spec, () -> SigningKey.read(signingKey));
    }
}
