package dev.ferry.cli;

import dev.ferry.broker.DeadLetterQueue;
import dev.ferry.wire.seal.Seal;
import dev.ferry.broker.QueueStatistics;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The messages a mirror's consumer gave up on: list them, move them back once the cause is fixed. */
@Command(name = "dlq",
        description = {"Inspect and retry dead-lettered messages.",
                "A message the consumer of a mirror can never apply goes, with the reason, to the dead-letter "
                        + "queue of that mirror's queue (DLQ.<mirror's queue>). List shows them; retry moves them "
                        + "back once the cause is fixed. For mirror default, both also take the dead-letter queue "
                        + "of before mirrors, DLQ.<queue>."},
        subcommands = {DlqListCommand.class, DlqRetryCommand.class},
        footerHeading = "%nExample:%n",
        footer = {"  ferry dlq list", "  ferry dlq retry --all", "  ferry dlq list --mirror offsite"})
final class DlqCommand implements Callable<Integer> {

    // Only for a remark on the side; a broker without the statistics plugin must not hold the command up long.
    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: list or retry");
    }

    /**
     * The dead-letter queues of {@code mirror} of the stream {@code queue}: its queue's, and for
     * mirror default, after it, the one of before mirrors, whose messages a retry moves back to the
     * queue of before mirrors, which mirror default reads too. What is encrypted with {@code seal}'s
     * key is shown, and retried, opened.
     */
    static List<DeadLetterQueue> of(BrokerEndpoint endpoint, String queue, MirrorOption mirror, Seal seal)
            throws Exception {
        DeadLetterQueue own = new DeadLetterQueue(endpoint, mirror.queueOf(queue), seal);
        // Only when it holds messages: a browse would create it on every broker that never had it.
        boolean legacyHolds = WireFormat.DEFAULT_MIRROR.equals(mirror.name())
                && countOnBroker(endpoint, queue).orElse(0) > 0;
        return legacyHolds ? List.of(own, new DeadLetterQueue(endpoint, queue, seal)) : List.of(own);
    }

    /** How many messages the broker counts on the dead-letter queue of {@code queue}, if it says. */
    static OptionalLong countOnBroker(BrokerEndpoint endpoint, String queue) throws Exception {
        return BrokerContact.call(endpoint, () -> {
            try {
                return OptionalLong.of(QueueStatistics.query(endpoint, queue, STATISTICS_TIMEOUT).deadLettered());
            } catch (IOException noStatistics) {
                return OptionalLong.empty();
            }
        });
    }

    /** "1 message", "2 messages". */
    static String messages(long count) {
        return count + (count == 1 ? " message" : " messages");
    }
}
