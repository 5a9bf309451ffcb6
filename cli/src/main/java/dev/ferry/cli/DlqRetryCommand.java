package dev.ferry.cli;

import dev.ferry.broker.DeadLetter;
import dev.ferry.broker.DeadLetterQueue;
import dev.ferry.broker.RetryReport;
import dev.ferry.wire.BrokerEndpoint;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.ferry.wire.seal.Seal;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Moves dead-lettered messages back to their mirror's queue, once what made the consumer give up is fixed. */
@Command(name = "retry",
        description = {"Move dead-lettered messages back to the mirror's queue, for its consumer to try again.",
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
    EncryptKeyOption encryptKey;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    MirrorOption mirror;

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
        Seal seal = encryptKey.viewer(spec, connection.queue()); // read before anything is asked
        BrokerEndpoint endpoint = connection.endpoint();
        List<DeadLetterQueue> queues = BrokerContact.call(endpoint,
                () -> DlqCommand.of(endpoint, connection.queue(), mirror, seal));
        Map<DeadLetterQueue, DeadLetterQueue.Selection> chosen = BrokerContact.call(endpoint,
                () -> split(selection, queues));
        PrintWriter out = spec.commandLine().getOut();
        boolean any = false;
        for (Map.Entry<DeadLetterQueue, DeadLetterQueue.Selection> each : chosen.entrySet()) {
            DeadLetterQueue deadLetters = each.getKey();
            RetryReport report = BrokerContact.call(endpoint, () -> deadLetters.retry(each.getValue(), force));
            if (report.moved().isEmpty() && report.kept().isEmpty() && report.vanished().isEmpty()) {
                continue;
            }
            any = true;
            print(report, deadLetters, out);
            OptionalLong left = DlqCommand.countOnBroker(endpoint, deadLetters.queue());
            // Beyond the kept ones: more than a browse shows, or newly dead-lettered.
            if (left.isPresent() && left.getAsLong() > report.kept().size()) {
                out.println(deadLetters.name() + " still holds " + DlqCommand.messages(left.getAsLong())
                        + "; 'ferry dlq list' shows them");
            }
        }
        if (!any) {
            out.println("no dead-lettered messages on " + queues.get(0).name());
        }
        out.flush();
        return 0;
    }

    /**
     * What to move from each dead-letter queue: everything, or the IDs each holds; an ID none holds
     * is an error before anything moves.
     */
    private static Map<DeadLetterQueue, DeadLetterQueue.Selection> split(DeadLetterQueue.Selection selection,
                                                                         List<DeadLetterQueue> queues) throws Exception {
        Map<DeadLetterQueue, DeadLetterQueue.Selection> chosen = new LinkedHashMap<>();
        if (selection.everything() || queues.size() == 1) {
            queues.forEach(queue -> chosen.put(queue, selection));
            return chosen;
        }
        Set<String> left = new LinkedHashSet<>(selection.messageIds());
        for (DeadLetterQueue queue : queues) {
            List<String> held = queue.list().stream().map(DeadLetter::messageId).filter(left::contains).toList();
            if (!held.isEmpty()) {
                chosen.put(queue, DeadLetterQueue.Selection.of(held));
                held.forEach(left::remove);
            }
        }
        if (!left.isEmpty()) {
            throw new IllegalArgumentException(queues.get(0).name() + " holds no message " + String.join(", ", left));
        }
        return chosen;
    }

    private void print(RetryReport report, DeadLetterQueue deadLetters, PrintWriter out) {
        String deadLetterQueue = deadLetters.name();
        int selected = report.moved().size() + report.kept().size() + report.vanished().size();
        out.println("moved " + report.moved().size() + " of " + DlqCommand.messages(selected) + " from "
                + deadLetterQueue + " back to " + deadLetters.queue());
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
