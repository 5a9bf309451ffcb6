package dev.ferry.cli;

import dev.ferry.broker.QueueStatistics;
import dev.ferry.wire.BrokerEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The messages the consumer gave up on: list them, move them back once the cause is fixed. */
@Command(name = "dlq",
        description = {"Inspect and retry dead-lettered messages.",
                "A message the consumer can never apply goes, with the reason, to the queue's dead-letter "
                        + "queue (DLQ.<queue>). List shows them; retry moves them back once the cause is fixed."},
        subcommands = {DlqListCommand.class, DlqRetryCommand.class},
        footerHeading = "%nExample:%n",
        footer = {"  ferry dlq list", "  ferry dlq retry --all"})
final class DlqCommand implements Callable<Integer> {

    // Only for a remark on the side; a broker without the statistics plugin must not hold the command up long.
    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: list or retry");
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
