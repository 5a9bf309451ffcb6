package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.broker.DeadLetter;
import dev.ferry.broker.DeadLetterQueue;
import dev.ferry.wire.BrokerEndpoint;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.ferry.wire.seal.Seal;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Shows the dead-lettered messages of a mirror without taking them off its dead-letter queue. */
@Command(name = "list",
        description = {"Show the dead-lettered messages of a mirror, oldest first, without taking them.",
                "One line each: when it was dead-lettered (UTC), its message ID (for retry --message-id), "
                        + "the path and kind of its event, and why. '-' stands for what the message does not say."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry dlq list --broker tcp://nas.local:61616", "  ferry dlq list --mirror offsite --json"})
final class DlqListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EncryptKeyOption encryptKey;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    MirrorOption mirror;

    @Option(names = "--json", fallbackValue = "true", description = "Print a JSON array of {messageId, time, path, kind, reason} instead.")
    boolean json;

    /** One message in the JSON output; absent parts are null. */
    record JsonDeadLetter(String messageId, String time, String path, String kind, String reason) {
        static JsonDeadLetter of(DeadLetter letter) {
            return new JsonDeadLetter(letter.messageId(),
                    letter.deadLetteredAt() == null ? null : letter.deadLetteredAt().toString(),
                    letter.path(), letter.kind(), letter.reason());
        }
    }

    @Override
    public Integer call() throws Exception {
        Seal seal = encryptKey.viewer(spec, connection.queue()); // read before anything is asked
        BrokerEndpoint endpoint = connection.endpoint();
        List<DeadLetterQueue> queues = BrokerContact.call(endpoint,
                () -> DlqCommand.of(endpoint, connection.queue(), mirror, seal));
        PrintWriter out = spec.commandLine().getOut();
        List<DeadLetter> all = new ArrayList<>();
        List<String> unseen = new ArrayList<>();
        for (DeadLetterQueue deadLetters : queues) {
            List<DeadLetter> listed = BrokerContact.call(endpoint, deadLetters::list);
            String remark = listed.isEmpty() ? null : unseenRemark(
                    DlqCommand.countOnBroker(endpoint, deadLetters.queue()), listed.size(), deadLetters.name());
            if (remark != null) {
                unseen.add(remark);
            }
            all.addAll(listed);
            if (!json && !listed.isEmpty()) {
                DeadLetterTable.print(listed, out);
                out.println(DlqCommand.messages(listed.size()) + " dead-lettered on " + deadLetters.name());
                if (remark != null) {
                    out.println(remark);
                }
            }
        }
        if (json) {
            out.println(toJson(all));
            unseen.forEach(remark -> spec.commandLine().getErr().println("ferry: " + remark));
        } else if (all.isEmpty()) {
            out.println("no dead-lettered messages on " + queues.get(0).name());
        }
        out.flush();
        return 0;
    }

    /** A remark when the queue holds more than were listed: ActiveMQ shows a browser only the first 400. */
    private static String unseenRemark(OptionalLong onBroker, int listed, String deadLetterQueue) {
        if (onBroker.isEmpty() || onBroker.getAsLong() <= listed) {
            return null;
        }
        return deadLetterQueue + " now holds " + DlqCommand.messages(onBroker.getAsLong())
                + ": the broker shows a browser only the first few hundred, or more arrived since";
    }

    private static String toJson(List<DeadLetter> listed) throws JsonProcessingException {
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                .writeValueAsString(listed.stream().map(JsonDeadLetter::of).toList());
    }
}
