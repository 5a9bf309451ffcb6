package dev.ferry.monitor;

import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the latest heartbeat of every producer and consumer of a queue. The broker keeps the
 * latest messages of the status topic for a retroactive subscriber (see broker-config/), so they
 * come at once; then the reader stops as soon as the topic goes quiet.
 */
public final class HeartbeatReader {

    /** How long to wait for the first beat: the kept ones come within milliseconds, if there are any. */
    static final Duration FIRST = Duration.ofSeconds(1);
    /** A pause this long after a beat means the kept ones are all in. */
    static final Duration QUIET = Duration.ofMillis(300);
    /** Never read longer than this, however busy the topic. */
    static final Duration AT_MOST = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(HeartbeatReader.class);

    private HeartbeatReader() {
    }

    /**
     * The latest beat of each process ({@code role} and {@code id}) on the status topic of {@code queue},
     * newest first.
     *
     * @throws jakarta.jms.JMSSecurityException when the connection's user may not read the topic
     */
    public static List<Heartbeat> latest(Connection connection, String queue) throws JMSException {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try {
            MessageConsumer reader = session.createConsumer(
                    session.createTopic(WireFormat.statusTopicOf(queue) + "?consumer.retroactive=true"));
            Map<String, Heartbeat> latest = new LinkedHashMap<>();
            long deadline = System.nanoTime() + AT_MOST.toNanos();
            Message message = reader.receive(FIRST.toMillis());
            while (message != null) {
                Heartbeat beat = decode(message);
                if (beat != null) {
                    latest.merge(beat.role() + " " + beat.id(), beat,
                            (known, next) -> next.sentAt() >= known.sentAt() ? next : known);
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
                message = reader.receive(QUIET.toMillis());
            }
            List<Heartbeat> beats = new ArrayList<>(latest.values());
            beats.sort(Comparator.comparingLong(Heartbeat::sentAt).reversed());
            return beats;
        } finally {
            session.close();
        }
    }

    private static Heartbeat decode(Message message) throws JMSException {
        if (!(message instanceof TextMessage text)) {
            log.debug("ignored a {} on the status topic", message.getClass().getSimpleName());
            return null;
        }
        try {
            return HeartbeatCodec.fromJson(text.getText());
        } catch (IOException e) {
            log.debug("ignored an unreadable heartbeat: {}", e.getMessage());
            return null;
        }
    }
}
