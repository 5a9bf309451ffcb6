package dev.ferry.monitor;

import dev.ferry.wire.WireFormat;
import java.time.Instant;
import java.util.List;

/**
 * How a stream is doing, as {@code ferry status} shows it.
 *
 * @param broker      the broker asked
 * @param stream      the stream, named by its queue name ({@code --queue})
 * @param mirrors     each mirror whose queue exists, mirror {@link WireFormat#DEFAULT_MIRROR} first and
 *                    always (with empty queues when its queue does not exist), the others by name
 * @param legacy      the queue of before mirrors and its dead-letter queue, which mirror default reads too
 * @param processes   the latest heartbeat of every producer and consumer the status topic still
 *                    holds, newest first; {@code null} when they could not be read
 * @param processesUnknownBecause why {@code processes} is {@code null}, else {@code null}
 * @param takenAt     when the report was made
 * @param answeredBy  the address that answered: one of a {@code failover:} URL's, else {@code broker}
 * @param brokerName  the name of the broker that answered, or {@code null} when it did not say
 * @param linksUp     the names of the brokers at other sites the broker that answered has a network
 *                    link up with now ({@code ferry broker --forward-to}, either end), by name;
 *                    {@code null} when they could not be read
 * @param linksUnknownBecause why {@code linksUp} is {@code null}, else {@code null}
 */
public record StatusReport(String broker, String stream, List<Mirror> mirrors, Mirror legacy,
                           List<Heartbeat> processes, String processesUnknownBecause, Instant takenAt,
                           String answeredBy, String brokerName, List<String> linksUp, String linksUnknownBecause) {

    /**
     * A report that does not say which broker answered (tests, and brokers that do not say), of a
     * broker without links.
     */
    public StatusReport(String broker, String stream, List<Mirror> mirrors, Mirror legacy,
                        List<Heartbeat> processes, String processesUnknownBecause, Instant takenAt) {
        this(broker, stream, mirrors, legacy, processes, processesUnknownBecause, takenAt, broker, null);
    }

    /** A report of a broker without links to other sites. */
    public StatusReport(String broker, String stream, List<Mirror> mirrors, Mirror legacy,
                        List<Heartbeat> processes, String processesUnknownBecause, Instant takenAt,
                        String answeredBy, String brokerName) {
        this(broker, stream, mirrors, legacy, processes, processesUnknownBecause, takenAt, answeredBy, brokerName,
                List.of(), null);
    }

    public StatusReport {
        mirrors = List.copyOf(mirrors);
        linksUp = linksUp == null ? null : List.copyOf(linksUp);
        if (mirrors.isEmpty() || !WireFormat.DEFAULT_MIRROR.equals(mirrors.get(0).name())) {
            throw new IllegalArgumentException("a status report lists mirror default first");
        }
    }

    /** This report with {@code heartbeats} for its processes. */
    public StatusReport withProcesses(List<Heartbeat> heartbeats) {
        return new StatusReport(broker, stream, mirrors, legacy, heartbeats, processesUnknownBecause, takenAt,
                answeredBy, brokerName, linksUp, linksUnknownBecause);
    }

    /** Mirror {@link WireFormat#DEFAULT_MIRROR}, which the report's single-queue lines describe. */
    public Mirror defaultMirror() {
        return mirrors.get(0);
    }

    /**
     * A mirror's queue and dead-letter queue (or those of before mirrors).
     *
     * @param name        the mirror's name; {@code null} for the queues of before mirrors
     * @param queue       its queue
     * @param deadLetters its dead-letter queue
     * @param forwarding  when the mirror is consumed at another broker, what waits here to be
     *                    forwarded there ({@link MirrorForwarding}); {@code null} when it is consumed
     *                    here, or where is not known
     */
    public record Mirror(String name, Destination queue, Destination deadLetters, Forwarding forwarding) {

        /** A mirror not known to be consumed elsewhere. */
        public Mirror(String name, Destination queue, Destination deadLetters) {
            this(name, queue, deadLetters, null);
        }

        /** The broker the mirror is consumed at when that is another one than this, else {@code null}. */
        public String consumedAt() {
            return forwarding == null ? null : forwarding.to();
        }

        /** The same mirror with {@code forwarding}. */
        public Mirror withForwarding(Forwarding forwarding) {
            return new Mirror(name, queue, deadLetters, forwarding);
        }
    }

    /**
     * What waits at this broker for a mirror consumed at another: a {@code ferry broker
     * --forward-to} link moves it there while that mirror's consumer is attached there.
     *
     * @param to      the name of the broker the mirror is consumed at
     * @param waiting its messages waiting here, which wait to be forwarded to {@code to}
     * @param linkUp  whether this broker has a link up with {@code to} now; {@code null} when its links
     *                could not be read
     */
    public record Forwarding(String to, long waiting, Boolean linkUp) {
    }

    /**
     * One queue.
     *
     * @param name      its name
     * @param waiting   messages on it not yet consumed
     * @param consumers consumers attached
     * @param oldest    when the oldest message waiting was sent, or {@code null} (empty, or unknown)
     * @param oldestUnknownBecause why the oldest message could not be looked at, else {@code null}
     */
    public record Destination(String name, long waiting, long consumers, Instant oldest, String oldestUnknownBecause) {
    }
}
