package dev.ferry.cli;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.consumer.Consumer;
import dev.ferry.consumer.ConsumerSettings;
import dev.ferry.monitor.ConsumerTally;
import dev.ferry.monitor.Heartbeats;
import dev.ferry.monitor.ProcessIdentity;
import dev.ferry.monitor.ProducerTally;
import dev.ferry.producer.Producer;
import dev.ferry.producer.ProducerSettings;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Broker, consumer and producer in one process, connected in-process, until Ctrl-C. */
@Command(name = "up",
        description = {"Replicate a directory into another, all in one process.",
                "Runs an embedded persistent broker, a consumer applying to DST and a producer watching "
                        + "SRC; copies what differs, then follows the changes until Ctrl-C."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry up --source ~/photos --dest /mnt/backup/photos"})
final class UpCommand implements Callable<Integer> {

    private static final String IN_PROCESS_ONLY = "none";
    private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--source", required = true, paramLabel = "SRC", description = "Directory to replicate.")
    Path source;

    @Option(names = "--dest", required = true, paramLabel = "DST",
            description = "Directory to keep as its mirror; created if missing.")
    Path dest;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Where broker and producer keep their state "
                    + "(default: $XDG_DATA_HOME/ferry, else ~/.local/share/ferry).")
    Path data;

    @Option(names = "--listen", paramLabel = "URI",
            description = "Where other processes may connect to the broker, or '" + IN_PROCESS_ONLY + "' "
                    + "(default: tcp://127.0.0.1:61616, or in-process only if that port is busy).")
    String listen;

    @Mixin
    IgnoreOptions ignore;

    @Mixin
    BrokerLogin login;

    @Mixin
    OpenListen openListen;

    @Mixin
    MonitoringOptions monitoring;

    @Override
    public Integer call() throws Exception {
        URI address = listen == null || IN_PROCESS_ONLY.equals(listen) ? null
                : ListenAddress.parse(spec.commandLine(), listen);
        openListen.check(spec.commandLine(), address, login);
        Path sourceDir = Directories.source(source);
        Path destinationDir = Directories.destination(dest);
        Directories.requireApart(sourceDir, destinationDir);
        Path dataDir = data != null ? data : DataDirectory.of(Ferry.of(spec).environment());
        String queue = WireFormat.DEFAULT_QUEUE;
        BrokerOptions options = BrokerCommand.brokerOptions(DataDirectory.broker(dataDir), login);
        Clock clock = Clock.systemUTC();
        PrintWriter out = spec.commandLine().getOut();
        try (Monitoring watching = Monitoring.start(monitoring.metricsPort(), clock);
             Supervisor supervisor = new Supervisor()) {
            Instant started = clock.instant();
            EmbeddedBroker broker = startBroker(options, address);
            supervisor.supervise("broker", broker, broker::awaitStopped);
            BrokerEndpoint inProcess = new BrokerEndpoint(broker.inProcessUrl(), options.user(), options.password());
            watching.watchQueue(inProcess, queue);
            ProcessIdentity identity = ProcessIdentity.current();

            ConsumerTally applied = new ConsumerTally(clock);
            ConsumerSettings consumerSettings = ConsumerSettings.defaults(destinationDir, queue)
                    .withObserver(watching.consumer(applied));
            Consumer consumer = BrokerContact.call(inProcess, () -> Consumer.open(consumerSettings, inProcess));
            supervisor.closeOnStop("consumer summary", () -> Summaries.print(out,
                    Summaries.of(applied.snapshot(), Duration.between(started, clock.instant()))));
            supervisor.closeOnStop("consumer heartbeat", watching.heartbeat(inProcess, queue,
                    Heartbeats.consumer(applied, identity, queue, consumerSettings.mirror(), destinationDir, clock)));
            supervisor.supervise("consumer", consumer, consumer::run);

            ProducerTally published = new ProducerTally(clock);
            Path state = DataDirectory.producerState(dataDir, sourceDir, queue);
            ProducerSettings producerSettings = ProducerSettings.defaults(sourceDir, state, queue)
                    .withIgnore(ignore.settings()).withObserver(watching.producer(published));
            Producer producer = BrokerContact.call(inProcess, () -> Producer.open(producerSettings, inProcess));
            supervisor.closeOnStop("producer summary", () -> Summaries.print(out,
                    Summaries.of(published.snapshot(), Duration.between(started, clock.instant()))));
            supervisor.closeOnStop("producer heartbeat", watching.heartbeat(inProcess, queue,
                    Heartbeats.producer(published, identity, queue, sourceDir, producer.mirrorMarks(),
                            producer::unwatchedDirectories, clock)));
            supervisor.closeOnStop("progress", ProgressReporter.start(monitoring.progress(), "initial sync", true,
                    new SyncProgress(published, true), clock, last -> Summaries.print(out, "initial sync: "
                            + Summaries.of(published.snapshot(), last.elapsed()))));
            supervisor.supervise("producer", producer, producer::watch);
            LOG.info("replicating {} into {}; Ctrl-C stops", sourceDir, destinationDir);
            supervisor.runUntilStopped();
        }
        return 0;
    }

    /** The broker listening on {@code address}, else in-process only if so asked, else on the default. */
    private EmbeddedBroker startBroker(BrokerOptions options, URI address) throws IOException {
        if (address != null) {
            return announce(EmbeddedBroker.start(options.withListen(address)));
        }
        if (IN_PROCESS_ONLY.equals(listen)) {
            return EmbeddedBroker.start(options.withListen(null));
        }
        try {
            return announce(EmbeddedBroker.start(options));
        } catch (BindException busy) {
            // Another broker (perhaps another `ferry up`) has the port; replication needs none.
            LOG.warn("{}; running in-process only, other processes cannot connect", busy.getMessage());
            return EmbeddedBroker.start(options.withListen(null));
        }
    }

    private EmbeddedBroker announce(EmbeddedBroker broker) {
        spec.commandLine().getOut().println("broker listening on " + broker.connectUrl());
        spec.commandLine().getOut().flush();
        return broker;
    }
}
