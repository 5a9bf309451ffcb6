package dev.ferry.monitor;

import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.QueueStatus;
import dev.ferry.broker.StreamStatus;
import dev.ferry.consumer.MirrorState;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Every mirror of a stream, as {@code ferry mirror list} shows it: what the broker holds for each
 * (one round of statistics queries), the latest heartbeat of its consumer, and whether a producer
 * dropped it (the producers' heartbeats). A mirror is listed when its queue or dead-letter queue is
 * on the broker, or when a producer announces it dropped it.
 *
 * @param broker    the broker asked
 * @param stream    the stream, named by its queue name
 * @param mirrors   each mirror, by name
 * @param heartbeatsUnknownBecause why the heartbeats could not be read (so no mirror shows its
 *                  consumer's beat or a drop), else {@code null}
 * @param takenAt   when it was taken
 */
public record MirrorInventory(String broker, String stream, List<Mirror> mirrors, String heartbeatsUnknownBecause,
                              Instant takenAt) {

    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(5);

    /** What a mirror is doing. */
    public enum State {
        /** A consumer is attached to its queue. */
        ACTIVE("active"),
        /** No consumer is attached: its queue keeps what is published for it. */
        AWAY("away"),
        /** A producer dropped it, and its queue is there again (its consumer returned): it needs a repair. */
        NEEDS_REPAIR("needs repair"),
        /** A producer dropped it and its queue is gone: it receives nothing until its consumer returns. */
        DROPPED("dropped");

        private final String words;

        State(String words) {
            this.words = words;
        }

        @Override
        public String toString() {
            return words;
        }
    }

    /**
     * One mirror.
     *
     * @param name         its name
     * @param queue        what the broker holds on its queue (not {@link QueueStatus#present()} when it is gone)
     * @param state        what it is doing
     * @param lastConsumer the latest heartbeat of a consumer of it, or {@code null}
     * @param drops        the producers that dropped it and have not had its repair answered
     */
    public record Mirror(String name, QueueStatus queue, State state, Heartbeat lastConsumer,
                         List<MirrorState.Drop> drops) {
    }

    /**
     * @throws IOException  when the broker does not answer the statistics query
     * @throws JMSException when the broker cannot be reached
     */
    public static MirrorInventory take(BrokerEndpoint endpoint, String queue, Clock clock)
            throws JMSException, IOException {
        Connection connection = endpoint.connect("mirror-list", 1);
        try {
            StreamStatus stream = QueueStatistics.stream(connection, endpoint.url(), queue, STATISTICS_TIMEOUT);
            List<Heartbeat> beats = List.of();
            String unknown = null;
            try {
                beats = HeartbeatReader.latest(connection, queue);
            } catch (JMSSecurityException e) {
                unknown = StatusProbe.who(endpoint) + " may not read topic " + WireFormat.statusTopicOf(queue);
            }
            return new MirrorInventory(endpoint.url(), queue, mirrors(stream, beats), unknown, clock.instant());
        } finally {
            connection.close();
        }
    }

    private static List<Mirror> mirrors(StreamStatus stream, List<Heartbeat> beats) {
        TreeSet<String> names = new TreeSet<>(stream.mirrors().keySet());
        for (Heartbeat beat : beats) {
            if (Heartbeat.PRODUCER.equals(beat.role()) && beat.mirrorsNeedingRepair() != null) {
                names.addAll(beat.mirrorsNeedingRepair().keySet());
            }
        }
        List<Mirror> mirrors = new ArrayList<>();
        for (String name : names) {
            QueueStatus queue = stream.mirror(name);
            List<MirrorState.Drop> drops = MirrorDrops.of(beats, name);
            mirrors.add(new Mirror(name, queue, stateOf(queue, drops), lastConsumer(beats, name), drops));
        }
        return mirrors;
    }

    static State stateOf(QueueStatus queue, List<MirrorState.Drop> drops) {
        if (!drops.isEmpty()) {
            return queue.present() ? State.NEEDS_REPAIR : State.DROPPED;
        }
        return queue.consumers() > 0 ? State.ACTIVE : State.AWAY;
    }

    /** The latest beat of a consumer of {@code mirror}; a consumer of before mirrors named none and was mirror default. */
    private static Heartbeat lastConsumer(List<Heartbeat> beats, String mirror) {
        return beats.stream().filter(beat -> Heartbeat.CONSUMER.equals(beat.role()))
                .filter(beat -> Objects.equals(mirror, beat.mirror() == null ? WireFormat.DEFAULT_MIRROR : beat.mirror()))
                .max(Comparator.comparingLong(Heartbeat::sentAt)).orElse(null);
    }
}
