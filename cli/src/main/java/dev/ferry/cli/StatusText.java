package dev.ferry.cli;

import dev.ferry.monitor.Heartbeat;
import dev.ferry.monitor.HeartbeatSender;
import dev.ferry.monitor.LastEvent;
import dev.ferry.monitor.StatusReport;
import dev.ferry.wire.ByteSize;
import dev.ferry.wire.FailoverUrl;
import dev.ferry.wire.WireFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code ferry status} for people: mirror default's queue and dead-letter queue in the lines of
 * before mirrors, a line per mirror, the queue of before mirrors while it holds anything, then a
 * line per producer and consumer ("consumer nas:1234 of mirror default (/mnt/mirror): last seen
 * 2.0 s ago, applied a/b.txt 0.3 s behind, lag 0.0 s; ...").
 */
final class StatusText {

    /** A running process silent for this long has probably gone without saying so. */
    static final Duration SILENT = HeartbeatSender.INTERVAL.multipliedBy(3);

    private StatusText() {
    }

    /** Which broker of a failover URL answered: ", answered by tcp://b:61616 (broker ferry)". */
    private static String answeredBy(StatusReport report) {
        if (!FailoverUrl.isFailover(report.broker())) {
            return "";
        }
        return ", answered by " + report.answeredBy()
                + (report.brokerName() == null ? "" : " (broker " + report.brokerName() + ")");
    }

    static void print(StatusReport report, PrintWriter out) {
        StatusReport.Destination queue = report.defaultMirror().queue();
        StatusReport.Destination dead = report.defaultMirror().deadLetters();
        Instant now = report.takenAt();
        out.println("queue " + report.stream() + " on " + report.broker() + answeredBy(report));
        out.println("messages waiting: " + queue.waiting());
        out.println("consumers attached: " + queue.consumers());
        out.println("oldest waiting: " + oldest(queue, now));
        out.println("dead-lettered: " + dead.waiting() + " (on " + dead.name() + ")");
        out.println("dead-letter consumers attached: " + dead.consumers());
        out.println("oldest dead-lettered: " + oldest(dead, now));
        for (StatusReport.Mirror mirror : report.mirrors()) {
            out.println("mirror " + mirror.name() + ": " + counts(mirror, now) + " (queue " + mirror.queue().name() + ")");
        }
        StatusReport.Mirror legacy = report.legacy();
        if (legacy.queue().waiting() > 0 || legacy.deadLetters().waiting() > 0) {
            out.println("queue of before mirrors " + legacy.queue().name() + ": " + counts(legacy, now)
                    + " (mirror " + WireFormat.DEFAULT_MIRROR + " applies it)");
        }
        if (report.processes() == null) {
            out.println("producers and consumers: unknown (" + report.processesUnknownBecause() + ")");
        } else if (report.processes().isEmpty()) {
            out.println("producers and consumers: none has reported on " + WireFormat.statusTopicOf(report.stream()));
        } else {
            for (Heartbeat beat : report.processes()) {
                out.println(line(beat, now));
            }
        }
    }

    /** "302 waiting, 1 consumer, oldest 4.2 s old, 0 dead-lettered". */
    private static String counts(StatusReport.Mirror mirror, Instant now) {
        StatusReport.Destination queue = mirror.queue();
        String oldest = queue.oldestUnknownBecause() != null ? "unknown"
                : queue.oldest() == null ? "-" : Ages.of(Duration.between(queue.oldest(), now)) + " old";
        return queue.waiting() + " waiting, " + queue.consumers() + (queue.consumers() == 1 ? " consumer" : " consumers")
                + ", oldest " + oldest + ", " + mirror.deadLetters().waiting() + " dead-lettered";
    }

    private static String oldest(StatusReport.Destination destination, Instant now) {
        if (destination.oldestUnknownBecause() != null) {
            return "unknown (" + destination.oldestUnknownBecause() + ")";
        }
        if (destination.oldest() == null) {
            return "-";
        }
        return Ages.of(Duration.between(destination.oldest(), now)) + " old";
    }

    /**
     * "consumer nas:1234 of mirror default (/mnt/mirror): last seen 2.0 s ago, applied a/b.txt 0.3 s behind,
     * lag 0.0 s; 12 events ...".
     */
    static String line(Heartbeat beat, Instant now) {
        StringBuilder line = new StringBuilder(beat.role()).append(' ').append(beat.id());
        if (beat.mirror() != null) {
            line.append(" of mirror ").append(beat.mirror());
        }
        if (beat.directory() != null) {
            line.append(" (").append(beat.directory()).append(')');
        }
        line.append(": ").append(seen(beat, now));
        if (beat.last() != null) {
            LastEvent last = beat.last().toLastEvent();
            boolean consumer = Heartbeat.CONSUMER.equals(beat.role());
            line.append(consumer ? ", applied " : ", published ").append(describe(last));
            if (consumer) {
                line.append(' ').append(Ages.of(last.behind())).append(" behind");
            } else {
                line.append(' ').append(Ages.of(Duration.between(last.doneAt(), now))).append(" ago");
            }
        }
        if (beat.lag() != null) {
            line.append(", lag ").append(Ages.of(beat.lag()));
        }
        Heartbeat.Counters counters = beat.counters();
        if (counters != null) {
            boolean consumer = Heartbeat.CONSUMER.equals(beat.role());
            line.append("; ").append(counters.events()).append(" events, ").append(counters.files()).append(" files, ")
                    .append(Summaries.bytes(counters.bytes()));
            if (counters.wireBytes() != null) {
                line.append(" of files, ").append(Summaries.bytes(counters.wireBytes()))
                        .append(consumer ? " received" : " sent");
            }
            if (consumer) {
                line.append(", ").append(counters.deadLettered()).append(" dead-lettered");
            }
            line.append(Summaries.namesNotMirrored(counters.namesNotMirrored() == null ? 0 : counters.namesNotMirrored()));
        }
        if (beat.mirrorsNeedingRepair() != null) {
            line.append("; dropped, needing a repair: ").append(String.join(", ", beat.mirrorsNeedingRepair().entrySet()
                    .stream().map(mirror -> dropped(mirror.getKey(), mirror.getValue(), now)).toList()));
        }
        return line.toString();
    }

    /** "offsite (3 min 05 s ago, 2.1 GiB past 2 GiB)". */
    static String dropped(String mirror, Heartbeat.Dropped dropped, Instant now) {
        return mirror + " (" + Ages.of(Duration.between(dropped.dropped(), now)) + " ago, "
                + ByteSize.format(dropped.backlogBytes()) + " past " + ByteSize.format(dropped.limitBytes()) + ")";
    }

    private static String seen(Heartbeat beat, Instant now) {
        Duration since = Duration.between(beat.sent(), now);
        if (Heartbeat.STOPPED.equals(beat.state())) {
            return "stopped " + Ages.of(since) + " ago";
        }
        String seen = "last seen " + Ages.of(since) + " ago";
        return since.compareTo(SILENT) > 0 ? seen + " (silent since: gone without stopping?)" : seen;
    }

    private static String describe(LastEvent event) {
        return switch (event.kind()) {
            case "file" -> event.path();
            case "dir" -> "directory " + event.path();
            case "attributes" -> "attributes of " + event.path();
            default -> event.kind() + " " + event.path();
        };
    }
}
