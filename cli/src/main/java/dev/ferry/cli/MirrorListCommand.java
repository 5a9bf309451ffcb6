package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.consumer.MirrorState;
import dev.ferry.monitor.Heartbeat;
import dev.ferry.monitor.MirrorInventory;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ByteSize;
import dev.ferry.wire.Printable;
import dev.ferry.wire.WireFormat;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Each mirror of the stream: what waits for it, what it is doing, whether a producer dropped it. */
@Command(name = "list",
        description = {"Show each mirror of the queue and what it is doing.",
                "One line each: its state (active: a consumer is attached; away: none is; needs repair: a producer "
                        + "dropped it and its consumer has returned; dropped: a producer dropped it and its queue is "
                        + "gone), the messages and bytes waiting on its queue, its dead-lettered messages, the "
                        + "consumers attached, its consumer's last heartbeat, and the drop a producer announces. "
                        + "Any user of broker-config/ may list: producers and consumers see it all."},
        footerHeading = "%nExample:%n",
        footer = {"  ferry mirror list --broker tcp://nas.local:61616", "  ferry mirror list --json | jq '.mirrors[].state'"})
final class MirrorListCommand implements Callable<Integer> {

    private static final List<String> HEADER = List.of("MIRROR", "STATE", "WAITING", "BYTES", "DEAD-LETTERED",
            "CONSUMERS", "CONSUMER LAST SEEN", "DROPPED BY A PRODUCER");

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", fallbackValue = "true", description = "Print the same as JSON, for scripts.")
    boolean json;

    record JsonInventory(String broker, String stream, String takenAt, List<JsonMirror> mirrors,
                         String heartbeatsUnknownBecause) {
    }

    record JsonMirror(String name, String state, String queue, boolean queuePresent, long waiting, long waitingBytes,
                      String deadLetterQueue, long deadLettered, long consumers, JsonBeat lastConsumerHeartbeat,
                      List<JsonDrop> droppedBy) {
    }

    record JsonBeat(String id, String state, String directory, String sentAt, double secondsAgo) {
    }

    record JsonDrop(String producer, String droppedAt, long backlogBytes, long limitBytes) {
    }

    @Override
    public Integer call() throws Exception {
        BrokerEndpoint endpoint = connection.endpoint();
        MirrorInventory inventory = BrokerContact.call(endpoint,
                () -> MirrorInventory.take(endpoint, connection.queue(), Clock.systemUTC()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(inventory));
        } else {
            print(inventory, out);
        }
        out.flush();
        return 0;
    }

    private static void print(MirrorInventory inventory, PrintWriter out) {
        Instant now = inventory.takenAt();
        if (inventory.mirrors().isEmpty()) {
            out.println("no mirror of queue " + inventory.stream() + " on " + inventory.broker());
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (MirrorInventory.Mirror mirror : inventory.mirrors()) {
            rows.add(List.of(mirror.name(), mirror.state().toString(), Long.toString(mirror.queue().waiting()),
                    ByteSize.format(mirror.queue().waitingBytes()), Long.toString(mirror.queue().deadLettered()),
                    Long.toString(mirror.queue().consumers()), lastSeen(mirror.lastConsumer(), now),
                    drops(mirror.drops(), now)));
        }
        Table.print(rows, out);
        String queues = WireFormat.mirrorQueuesOf(inventory.stream()).replace("*", "<mirror>");
        out.println("each mirror's queue is " + queues + ", its dead letters on " + WireFormat.deadLetterQueueOf(queues));
        if (inventory.heartbeatsUnknownBecause() != null) {
            out.println("heartbeats unknown (" + inventory.heartbeatsUnknownBecause() + ")");
        }
    }

    /** "nas:4711, 1.2 s ago", "nas:4711, stopped 3 min 00 s ago", or "-". */
    private static String lastSeen(Heartbeat beat, Instant now) {
        if (beat == null) {
            return "-";
        }
        String ago = Ages.of(Duration.between(beat.sent(), now)) + " ago";
        return Printable.escape(beat.id()) + ", " + (Heartbeat.STOPPED.equals(beat.state()) ? "stopped " + ago : ago);
    }

    /** "2025-03-01T12:00:05Z by laptop:99 (2.0 GiB past 2 GiB)", or "-". */
    private static String drops(List<MirrorState.Drop> drops, Instant now) {
        if (drops.isEmpty()) {
            return "-";
        }
        return String.join("; ", drops.stream().map(drop -> Ages.of(Duration.between(drop.droppedAt(), now)) + " ago by "
                + Printable.escape(drop.producer()) + " (" + ByteSize.format(drop.backlogBytes()) + " past "
                + ByteSize.format(drop.limitBytes()) + ")").toList());
    }

    private static String toJson(MirrorInventory inventory) throws JsonProcessingException {
        Instant now = inventory.takenAt();
        List<JsonMirror> mirrors = inventory.mirrors().stream().map(mirror -> new JsonMirror(mirror.name(),
                mirror.state().toString(), mirror.queue().queue(), mirror.queue().present(), mirror.queue().waiting(),
                mirror.queue().waitingBytes(), WireFormat.deadLetterQueueOf(mirror.queue().queue()),
                mirror.queue().deadLettered(), mirror.queue().consumers(), beat(mirror.lastConsumer(), now),
                mirror.drops().stream().map(drop -> new JsonDrop(drop.producer(), drop.droppedAt().toString(),
                        drop.backlogBytes(), drop.limitBytes())).toList())).toList();
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(new JsonInventory(
                inventory.broker(), inventory.stream(), now.toString(), mirrors, inventory.heartbeatsUnknownBecause()));
    }

    private static JsonBeat beat(Heartbeat beat, Instant now) {
        return beat == null ? null : new JsonBeat(beat.id(), beat.state(), beat.directory(), beat.sent().toString(),
                Ages.seconds(Duration.between(beat.sent(), now)));
    }
}
