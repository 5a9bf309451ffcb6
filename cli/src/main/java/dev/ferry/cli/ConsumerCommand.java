package dev.ferry.cli;

import dev.ferry.consumer.ApplySummary;
import dev.ferry.consumer.Consumer;
import dev.ferry.consumer.ConsumerSettings;
import dev.ferry.wire.BrokerEndpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Applies change events from the queue to a destination directory. */
@Command(name = "consumer",
        description = {"Apply change events from the queue to a directory.",
                "Runs until Ctrl-C or, with --drain, until the queue is empty."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry consumer --dest /mnt/backup/photos --broker tcp://nas.local:61616"})
final class ConsumerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dest", required = true, paramLabel = "DST",
            description = "Directory to apply the changes to; created if missing.")
    Path dest;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--drain", fallbackValue = "true", description = "Apply everything waiting, print a summary and exit.")
    boolean drain;

    @Override
    public Integer call() throws Exception {
        Path destination = Directories.destination(dest);
        BrokerEndpoint endpoint = connection.endpoint();
        ConsumerSettings settings = ConsumerSettings.defaults(destination, connection.queue());
        if (drain) {
            try (Consumer consumer = BrokerContact.call(endpoint, () -> Consumer.open(settings, endpoint))) {
                ApplySummary summary = consumer.drain();
                spec.commandLine().getOut().println(Summaries.of(summary));
            }
            return 0;
        }
        try (Supervisor supervisor = new Supervisor()) {
            Consumer consumer = BrokerContact.call(endpoint, () -> Consumer.open(settings, endpoint));
            supervisor.supervise("consumer", consumer, consumer::run);
            supervisor.runUntilStopped();
        }
        return 0;
    }
}
