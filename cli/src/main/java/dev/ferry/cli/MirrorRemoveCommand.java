package dev.ferry.cli;

import dev.ferry.broker.QueueRemoval;
import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.QueueStatus;
import dev.ferry.broker.StreamStatus;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Deletes the queue and dead-letter queue of a mirror gone for good, freeing what they hold on the broker. */
@Command(name = "remove",
        description = {"Delete a mirror's queue and dead-letter queue, with what waits on them.",
                "For a mirror gone for good: its backlog counts against the broker's store, which all mirrors share. "
                        + "Refused while a consumer is attached to either queue, unless --force is given. The "
                        + "producer makes the queue again when it next connects if its --mirror list names the "
                        + "mirror, and so does a consumer of the mirror that starts; the mirror's destination is "
                        + "left as it is. It needs the admin user of broker-config/."},
        footerHeading = "%nExample:%n",
        footer = {"  FERRY_BROKER_USER=ferry-admin ferry mirror remove offsite"})
final class MirrorRemoveCommand implements Callable<Integer> {

    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(5);
    /** What the broker says when asked to remove a queue a consumer is attached to. */
    private static final String SUBSCRIBED = "still has an active subscription";

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "NAME", converter = MirrorName.class, description = "The mirror to remove.")
    String mirror;

    @Option(names = "--force", fallbackValue = "true",
            description = "Remove it even while a consumer is attached; that consumer then receives nothing until it "
                    + "reconnects (which makes the queue again): stop it.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        BrokerEndpoint endpoint = connection.endpoint();
        String queue = connection.queue();
        String mirrorQueue = WireFormat.mirrorQueueOf(mirror, queue);
        String deadLetterQueue = WireFormat.deadLetterQueueOf(mirrorQueue);
        QueueStatus removed = BrokerContact.call(endpoint, () -> {
            Connection admin = endpoint.connect("mirror-remove", 1);
            try {
                StreamStatus stream = QueueStatistics.stream(admin, endpoint.url(), queue, STATISTICS_TIMEOUT);
                QueueStatus status = checkRemovable(stream, endpoint);
                // Dead letters first: a user that may remove the queue but not them is refused before anything goes.
                remove(admin, deadLetterQueue);
                remove(admin, mirrorQueue);
                return status;
            } finally {
                admin.close();
            }
        });
        PrintWriter out = spec.commandLine().getOut();
        out.println("removed mirror '" + mirror + "': its queue " + mirrorQueue + " (" + DlqCommand.messages(
                removed.waiting()) + ") and its dead-letter queue " + deadLetterQueue + " ("
                + DlqCommand.messages(removed.deadLettered()) + ")");
        out.println("a producer that keeps it makes its queue again when it next connects: take '" + mirror + "' out of "
                + "its --mirror list (FERRY_MIRROR, the config file); so does a consumer of mirror '" + mirror
                + "' that starts; its destination is left as it is");
        out.flush();
        return 0;
    }

    /** The mirror's status, if it may be removed: it exists, and no consumer is attached unless forced. */
    private QueueStatus checkRemovable(StreamStatus stream, BrokerEndpoint endpoint) {
        if (!stream.exists(mirror)) {
            throw new IllegalArgumentException("mirror '" + mirror + "' has no queue on broker " + endpoint.url()
                    + (stream.mirrors().isEmpty() ? "" : " (its mirrors: " + String.join(", ",
                            stream.mirrors().keySet()) + ")"));
        }
        QueueStatus status = stream.mirror(mirror);
        long consumers = status.consumers() + status.deadLetterConsumers();
        if (consumers > 0 && !force) {
            throw attached(consumers);
        }
        return status;
    }

    private void remove(Connection admin, String queue) throws JMSException {
        try {
            QueueRemoval.remove(admin, queue, force);
        } catch (JMSException e) {
            if (String.valueOf(e.getMessage()).contains(SUBSCRIBED)) {
                throw attached(1); // attached since the look
            }
            throw e;
        }
    }

    private IllegalStateException attached(long consumers) {
        return new IllegalStateException("mirror '" + mirror + "' has " + (consumers == 1 ? "a consumer" : consumers
                + " consumers") + " attached: stop " + (consumers == 1 ? "it" : "them") + " first, or give --force");
    }
}
