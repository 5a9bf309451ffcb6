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
 * before mirrors, a line per mirror (a mirror consumed at another broker says what waits here to
 * be forwarded there), the queue of before mirrors while it holds anything, then a line per
 * producer and consumer ("consumer nas:1234 of mirror default (/mnt/mirror): last seen 2.0 s ago,
 * applied a/b.txt 0.3 s behind, lag 0.0 s; ...").
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
            out.println("mirror " + mirror.name() + ": " + counts(mirror, now) + " (queue " + mirror.queue().name() + ")"
                    + forwarding(mirror.forwarding(), report));
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
                out.println(line(beat, report));
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

    /**
     * For a mirror consumed at another broker: "; consumed at broker site-b: 472 waiting to be
     * forwarded, link down"; nothing for one consumed here.
     */
    private static String forwarding(StatusReport.Forwarding forwarding, StatusReport report) {
        if (forwarding == null) {
            return "";
        }
        String link = forwarding.linkUp() == null ? "link unknown (" + report.linksUnknownBecause() + ")"
                : forwarding.linkUp() ? "link up" : "link down";
        return "; consumed at broker " + forwarding.to() + ": " + forwarding.waiting() + " waiting to be forwarded, "
                + link;
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
     * lag 0.0 s; 12 events ..."; a process whose beat came from another broker than the one that
     * answered (over a forwarding link) says which: "consumer away:7 of mirror offsite (/mnt/offsite)
     * at broker site-b: ...".
     */
    static String line(Heartbeat beat, StatusReport report) {
        Instant now = report.takenAt();
        boolean elsewhere = beat.broker() != null && report.brokerName() != null
                && !beat.broker().equals(report.brokerName());
        StringBuilder line = new StringBuilder(beat.role()).append(' ').append(beat.id());
        if (beat.mirror() != null) {
            line.append(" of mirror ").append(beat.mirror());
        }
        if (beat.directory() != null) {
            line.append(" (").append(beat.directory()).append(')');
        }
        if (elsewhere) {
            line.append(" at broker ").append(beat.broker());
        }
        boolean cutOff = elsewhere && report.linksUp() != null && !report.linksUp().contains(beat.broker());
        line.append(": ").append(seen(beat, cutOff, now));
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
        if (beat.unwatchedDirectories() != null) {
            int unwatched = beat.unwatchedDirectories();
            line.append("; ").append(unwatched).append(unwatched == 1 ? " directory" : " directories")
                    .append(" not watched (rescanned instead: see its log for the limit to raise)");
        }
        return line.toString();
    }

    /** "offsite (3 min 05 s ago, 2.1 GiB past 2 GiB)". */
    static String dropped(String mirror, Heartbeat.Dropped dropped, Instant now) {
        return mirror + " (" + Ages.of(Duration.between(dropped.dropped(), now)) + " ago, "
                + ByteSize.format(dropped.backlogBytes()) + " past " + ByteSize.format(dropped.limitBytes()) + ")";
    }

    /** @param cutOff whether its beats came over a link that is down now, which explains a silence */
    private static String seen(Heartbeat beat, boolean cutOff, Instant now) {
        Duration since = Duration.between(beat.sent(), now);
        if (Heartbeat.STOPPED.equals(beat.state())) {
            return "stopped " + Ages.of(since) + " ago";
        }
        String seen = "last seen " + Ages.of(since) + " ago";
        if (since.compareTo(SILENT) <= 0) {
            return seen;
        }
        // Its beats cannot come while the link is down: that says nothing of the process itself.
        return seen + (cutOff ? " (silent since: no link up to broker " + beat.broker() + ")"
                : " (silent since: gone without stopping?)");
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
