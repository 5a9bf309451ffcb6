package dev.ferry.cli;

import dev.ferry.producer.Producer;
import dev.ferry.producer.ProducerSettings;
import dev.ferry.producer.PublishSummary;
import dev.ferry.wire.BrokerEndpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Publishes the changes of a source directory as events on the queue. */
@Command(name = "producer",
        description = {"Publish the changes of a directory on the queue.",
                "Publishes what differs since the last run, then follows the changes until Ctrl-C; "
                        + "with --once, exits instead."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry producer --source ~/photos --broker tcp://nas.local:61616 --once"})
final class ProducerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--source", required = true, paramLabel = "SRC", description = "Directory to publish.")
    Path source;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--state", paramLabel = "DIR",
            description = "Where to remember what was published (default: a directory per source and "
                    + "queue under $XDG_DATA_HOME/ferry/producer, else ~/.local/share/ferry/producer).")
    Path state;

    @Option(names = "--once", fallbackValue = "true", description = "Publish the differences, print a summary and exit.")
    boolean once;

    @Mixin
    IgnoreOptions ignore;

    @Override
    public Integer call() throws Exception {
        Path sourceDir = Directories.source(source);
        BrokerEndpoint endpoint = connection.endpoint();
        Path stateDir = state != null ? state
                : DataDirectory.producerState(DataDirectory.of(Ferry.of(spec).environment()), sourceDir,
                        connection.queue());
        ProducerSettings settings = ProducerSettings.defaults(sourceDir, stateDir, connection.queue())
                .withIgnore(ignore.settings());
        if (once) {
            try (Producer producer = BrokerContact.call(endpoint, () -> Producer.open(settings, endpoint))) {
                PublishSummary summary = producer.publishOnce();
                spec.commandLine().getOut().println(Summaries.of(summary));
            }
            return 0;
        }
        try (Supervisor supervisor = new Supervisor()) {
            Producer producer = BrokerContact.call(endpoint, () -> Producer.open(settings, endpoint));
            supervisor.supervise("producer", producer, producer::watch);
            supervisor.runUntilStopped();
        }
        return 0;
    }
}
