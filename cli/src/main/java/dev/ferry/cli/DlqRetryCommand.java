package dev.ferry.cli;

import dev.ferry.broker.DeadLetter;
import dev.ferry.broker.DeadLetterQueue;
import dev.ferry.broker.RetryReport;
import dev.ferry.wire.BrokerEndpoint;
import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Moves dead-lettered messages back to the queue, once what made the consumer give up is fixed. */
@Command(name = "retry",
        description = {"Move dead-lettered messages back to the queue, for the consumer to try again.",
                "Each message moves in a transaction of its own, as it was before it was dead-lettered. A "
                        + "message the consumer cannot decode stays where it is (it would only be dead-lettered "
                        + "again) unless --force is given. Only the messages on the dead-letter queue when the "
                        + "command starts are moved."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry dlq retry --all",
                "  ferry dlq retry --message-id ID:nas-40123-1736071000000-1:1:1:1:1"})
final class DlqRetryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--all", fallbackValue = "true", description = "Move every dead-lettered message.")
    boolean all;

    @Option(names = "--message-id", paramLabel = "ID", arity = "1..*", split = ",",
            description = "Move the message with this ID (see 'ferry dlq list'); may be repeated, "
                    + "or several IDs separated by commas.")
    List<String> messageIds = List.of();

    @Option(names = "--force", fallbackValue = "true", description = "Move messages the consumer cannot decode, too.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        DeadLetterQueue.Selection selection = selection();
        BrokerEndpoint endpoint = connection.endpoint();
        DeadLetterQueue deadLetters = new DeadLetterQueue(endpoint, connection.queue());
        RetryReport report = BrokerContact.call(endpoint, () -> deadLetters.retry(selection, force));
        PrintWriter out = spec.commandLine().getOut();
        if (report.moved().isEmpty() && report.kept().isEmpty() && report.vanished().isEmpty()) {
            out.println("no dead-lettered messages on " + deadLetters.name());
        } else {
            print(report, deadLetters.name(), out);
            OptionalLong left = DlqCommand.countOnBroker(endpoint, connection.queue());
            // Beyond the kept ones: more than a browse shows, or newly dead-lettered.
            if (left.isPresent() && left.getAsLong() > report.kept().size()) {
                out.println(deadLetters.name() + " still holds " + DlqCommand.messages(left.getAsLong())
                        + "; 'ferry dlq list' shows them");
            }
        }
        out.flush();
        return 0;
    }

    private void print(RetryReport report, String deadLetterQueue, PrintWriter out) {
        int selected = report.moved().size() + report.kept().size() + report.vanished().size();
        out.println("moved " + report.moved().size() + " of " + DlqCommand.messages(selected) + " from "
                + deadLetterQueue + " back to " + connection.queue());
        for (RetryReport.Kept kept : report.kept()) {
            out.println("kept " + kept.message().messageId() + describe(kept.message()) + ": "
                    + DeadLetterTable.printable(kept.why())
                    + (force ? "" : "; retrying it would only dead-letter it again (--force moves it anyway)"));
        }
        for (DeadLetter gone : report.vanished()) {
            out.println("gone " + gone.messageId() + describe(gone) + ": someone else took it off "
                    + deadLetterQueue + " meanwhile");
        }
    }

    private DeadLetterQueue.Selection selection() {
        if (all && !messageIds.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give either --all or --message-id, not both");
        }
        if (all) {
            return DeadLetterQueue.Selection.all();
        }
        if (messageIds.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "say which messages to move: --all or --message-id ID");
        }
        return DeadLetterQueue.Selection.of(messageIds);
    }

    private static String describe(DeadLetter letter) {
        return letter.path() == null ? "" : " (" + DeadLetterTable.printable(letter.path()) + ")";
    }
}
