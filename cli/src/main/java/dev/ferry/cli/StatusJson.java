package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.monitor.Heartbeat;
import dev.ferry.monitor.LastEvent;
import dev.ferry.monitor.StatusReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ferry status --json}: the same as the text, for scripts. Times are ISO-8601 (UTC), ages
 * and delays seconds; what is not known is {@code null}. {@code queue} and {@code deadLetterQueue}
 * are mirror default's, as the lines of before mirrors are. See README.md, "Status", for an example.
 */
final class StatusJson {

    record Report(String broker, String takenAt, String stream, Queue queue, Queue deadLetterQueue,
                  List<Mirror> mirrors, Queue legacyQueue, Queue legacyDeadLetterQueue, List<Process> processes,
                  String processesUnknownBecause, String answeredBy, String brokerName, List<String> linksUp,
                  String linksUnknownBecause) {
    }

    /** {@code consumedAt} and {@code forwarding} for a mirror consumed at another broker, else {@code null}. */
    record Mirror(String name, Queue queue, Queue deadLetterQueue, String consumedAt, Forwarding forwarding) {
    }

    /** What waits here to be forwarded to broker {@code to}; {@code linkUp} {@code null} when not known. */
    record Forwarding(String to, long waiting, Boolean linkUp) {
        static Forwarding of(StatusReport.Forwarding forwarding) {
            return forwarding == null ? null
                    : new Forwarding(forwarding.to(), forwarding.waiting(), forwarding.linkUp());
        }
    }

    record Queue(String name, long waiting, long consumers, String oldestSent, Double oldestAgeSeconds,
                 String oldestUnknownBecause) {
    }

    record Process(String role, String id, String mirror, String directory, String state, String lastSeen,
                   double lastSeenSecondsAgo,
                   Change last, Double lagSeconds, Long events, Long files, Long bytes, Long wireBytes,
                   Long deadLettered, Long namesNotMirrored, Map<String, Dropped> mirrorsNeedingRepair,
                   String broker, Integer unwatchedDirectories) {
    }

    /** A mirror a producer dropped, which needs a repair. */
    record Dropped(String droppedAt, long backlogBytes, long limitBytes) {
        static Map<String, Dropped> of(Map<String, Heartbeat.Dropped> dropped) {
            if (dropped == null) {
                return null;
            }
            Map<String, Dropped> json = new TreeMap<>();
            dropped.forEach((mirror, drop) -> json.put(mirror, new Dropped(drop.dropped().toString(),
                    drop.backlogBytes(), drop.limitBytes())));
            return json;
        }
    }

    record Change(String kind, String path, long seq, String created, String done, double behindSeconds) {
    }

    private StatusJson() {
    }

    static String of(StatusReport report) throws JsonProcessingException {
        Instant now = report.takenAt();
        StatusReport.Mirror main = report.defaultMirror();
        Report json = new Report(report.broker(), now.toString(), report.stream(), queue(main.queue(), now),
                queue(main.deadLetters(), now),
                report.mirrors().stream().map(m -> new Mirror(m.name(), queue(m.queue(), now),
                        queue(m.deadLetters(), now), m.consumedAt(), Forwarding.of(m.forwarding()))).toList(),
                queue(report.legacy().queue(), now), queue(report.legacy().deadLetters(), now),
                report.processes() == null ? null : report.processes().stream().map(b -> process(b, now)).toList(),
                report.processesUnknownBecause(), report.answeredBy(), report.brokerName(), report.linksUp(),
                report.linksUnknownBecause());
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }

    private static Queue queue(StatusReport.Destination destination, Instant now) {
        Instant oldest = destination.oldest();
        return new Queue(destination.name(), destination.waiting(), destination.consumers(),
                oldest == null ? null : oldest.toString(),
                oldest == null ? null : Ages.seconds(Duration.between(oldest, now)), destination.oldestUnknownBecause());
    }

    private static Process process(Heartbeat beat, Instant now) {
        Heartbeat.Counters counters = beat.counters();
        boolean consumer = Heartbeat.CONSUMER.equals(beat.role());
        return new Process(beat.role(), beat.id(), beat.mirror(), beat.directory(), beat.state(), beat.sent().toString(),
                Ages.seconds(Duration.between(beat.sent(), now)),
                beat.last() == null ? null : change(beat.last().toLastEvent()),
                beat.lag() == null ? null : Ages.seconds(beat.lag()),
                counters == null ? null : counters.events(), counters == null ? null : counters.files(),
                counters == null ? null : counters.bytes(), counters == null ? null : counters.wireBytes(),
                counters == null || !consumer ? null : counters.deadLettered(),
                counters == null || consumer ? null : counters.namesNotMirrored(),
                Dropped.of(beat.mirrorsNeedingRepair()), beat.broker(), beat.unwatchedDirectories());
    }

    private static Change change(LastEvent event) {
        return new Change(event.kind(), event.path(), event.seq(), event.createdAt().toString(),
                event.doneAt().toString(), Ages.seconds(event.behind()));
    }
}
