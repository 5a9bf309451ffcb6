package dev.ferry.cli;

import dev.ferry.cli.systemd.ServiceNotifier;
import dev.ferry.consumer.ApplySummary;
import dev.ferry.consumer.Consumer;
import dev.ferry.consumer.ConsumerSettings;
import dev.ferry.wire.seal.Seal;
import dev.ferry.wire.seal.TrustedKeys;
import dev.ferry.monitor.ConsumerTally;
import dev.ferry.monitor.HeartbeatSender;
import dev.ferry.monitor.Heartbeats;
import dev.ferry.monitor.ProcessIdentity;
import dev.ferry.wire.BrokerEndpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Applies change events from a mirror's queue to a destination directory. */
@Command(name = "consumer",
        description = {"Apply change events from the queue to a directory.",
                "Runs until Ctrl-C or, with --drain, until the queue is empty. DST is one mirror of the queue's "
                        + "changes (--mirror); a consumer of another mirror or queue refuses it."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry consumer --dest /mnt/backup/photos --broker tcp://nas.local:61616",
                "  ferry consumer --dest /mnt/offsite --mirror offsite --drain",
                "  ferry consumer --dest /mnt/offsite --mirror offsite --repair --drain"})
final class ConsumerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dest", required = true, paramLabel = "DST",
            description = "Directory to apply the changes to; created if missing.")
    Path dest;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    MirrorOption mirror;

    @Option(names = "--drain", fallbackValue = "true", description = "Apply everything waiting, print a summary and exit.")
    boolean drain;

    @Mixin
    RepairOptions repair;

    @Option(names = "--trust-producer", paramLabel = "KEYFILE", split = ",",
            description = "Apply only messages signed by this producer key (its .pub from ferry keygen); repeat it, "
                    + "or give a list, to trust several, as while a key is rotated. Others are dead-lettered with "
                    + "the reason.")
    List<Path> trustProducer = new ArrayList<>();

    @Mixin
    EncryptKeyOption encryptKey;

    @Mixin
    MonitoringOptions monitoring;

    @Override
    public Integer call() throws Exception {
        String queue = connection.queue();
        Seal seal = Seal.of(queue, null, trusted(), encryptKey.key(spec)); // a bad key file changes nothing
        Path destination = Directories.destination(dest);
        BrokerEndpoint endpoint = connection.endpoint();
        Clock clock = Clock.systemUTC();
        ConsumerTally tally = new ConsumerTally(clock);
        PrintWriter out = spec.commandLine().getOut();
        try (Monitoring watching = Monitoring.start(monitoring.metricsPort(), clock)) {
            watching.watchQueue(endpoint, queue);
            ConsumerSettings settings = ConsumerSettings.defaults(destination, queue).withMirror(mirror.name())
                    .withObserver(watching.consumer(tally)).withRepair(repair.policy())
                    .withSeal(seal);
            MirrorArrival arrival = new MirrorArrival(endpoint, settings);
            if (drain) {
                try (Consumer consumer = open(settings, endpoint, arrival);
                     HeartbeatSender beats = watching.heartbeat(endpoint, queue, Heartbeats.protecting(
                             Heartbeats.consumer(tally, ProcessIdentity.current(), queue, settings.mirror(), destination,
                                     clock), path -> settings.seal().protect(path, Seal.HEARTBEAT_PATH)));
                     ProgressReporter progress = ProgressReporter.start(monitoring.progress(), "drain", false,
                             new DrainProgress(tally, arrival.waiting(settings.mirror())), clock, last -> { })) {
                    ApplySummary summary = consumer.drain();
                    progress.finish();
                    arrival.awaitMirrorState(); // Said before the connection it is read on closes.
                    Summaries.print(out, Summaries.of(summary, tally.snapshot()));
                }
                return 0;
            }
            try (Supervisor supervisor = new Supervisor()) {
                Instant started = clock.instant();
                Consumer consumer = open(settings, endpoint, arrival);
                HeartbeatSender beats = watching.heartbeat(endpoint, queue, Heartbeats.protecting(
                        Heartbeats.consumer(tally, ProcessIdentity.current(), queue, settings.mirror(), destination,
                                clock), path -> settings.seal().protect(path, Seal.HEARTBEAT_PATH)));
                supervisor.closeOnStop("summary", () -> Summaries.print(out,
                        Summaries.of(tally.snapshot(), Duration.between(started, clock.instant()))));
                supervisor.closeOnStop("heartbeat", beats);
                supervisor.supervise("consumer", consumer, consumer::run);
                ServiceNotifier.ofThisProcess().ready("applying mirror '" + settings.mirror() + "' of " + queue
                        + " to " + destination);
                supervisor.runUntilStopped();
            }
        }
        return 0;
    }

    /** The consumer, whose first connection {@code arrival} looks at the broker on, which then says what it saw. */
    private static Consumer open(ConsumerSettings settings, BrokerEndpoint endpoint, MirrorArrival arrival)
            throws Exception {
        Consumer consumer = BrokerContact.call(endpoint, () -> Consumer.open(settings, endpoint, arrival));
        try {
            if (arrival.report(settings, consumer.claim())) {
                consumer.queueWasLost();
            }
        } catch (Exception e) {
            consumer.close();
            throw e;
        }
        return consumer;
    }

    private TrustedKeys trusted() {
        return KeyFileArguments.read(spec, () -> TrustedKeys.read(trustProducer));
    }
}
