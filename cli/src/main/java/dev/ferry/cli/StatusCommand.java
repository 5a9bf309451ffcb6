package dev.ferry.cli;

import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.QueueStatus;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** How the queue is doing: messages waiting, consumers attached, messages dead-lettered. */
@Command(name = "status",
        description = {"Show how the queue is doing.",
                "Prints the messages waiting on the queue, the consumers attached to it and the messages "
                        + "on its dead-letter queue."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry status --broker tcp://nas.local:61616"})
final class StatusCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        BrokerEndpoint endpoint = connection.endpoint();
        QueueStatus status = BrokerContact.call(endpoint,
                () -> QueueStatistics.query(endpoint, connection.queue(), TIMEOUT));
        PrintWriter out = spec.commandLine().getOut();
        out.println("queue " + status.queue() + " on " + endpoint.url());
        out.println("messages waiting: " + status.waiting());
        out.println("consumers attached: " + status.consumers());
        out.println("dead-lettered: " + status.deadLettered() + " (on " + WireFormat.deadLetterQueueOf(status.queue())
                + ")");
        out.flush();
        return 0;
    }
}
