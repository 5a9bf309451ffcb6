package dev.ferry.monitor;

import dev.ferry.wire.BrokerEndpoint;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.activemq.advisory.AdvisorySupport;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.BrokerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brokers a broker has a network link up with now ({@code ferry broker --forward-to}, at either
 * end), as ActiveMQ says it to a subscriber of {@value #ADVISORY_TOPIC}: on subscribing, the broker
 * replays one advisory per bridge started and not stopped since, whose data is the other broker's
 * {@link BrokerInfo}; later ones say a bridge started or stopped ({@code started} true or false).
 * The embedded broker and the ActiveMQ distribution both do, so this needs neither JMX nor Ferry's
 * own broker.
 *
 * <p>The replay comes within milliseconds of the subscription, so reading it costs a status call
 * little: {@link #listen} subscribes, the caller reads the heartbeats meanwhile, and {@link #up}
 * waits only what is left of {@link #FIRST} since the subscription.
 */
public final class NetworkLinks {

    /** ActiveMQ's advisory topic of network bridges. */
    public static final String ADVISORY_TOPIC = AdvisorySupport.getNetworkBridgeAdvisoryTopic().getPhysicalName();
    /** Since the subscription, how long to wait for the first advisory: a broker without links sends none. */
    static final Duration FIRST = Duration.ofMillis(300);
    /** A pause this long after an advisory means the replay is over. */
    static final Duration QUIET = Duration.ofMillis(100);
    /** Never read longer than this, however many links come and go meanwhile. */
    static final Duration AT_MOST = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(NetworkLinks.class);

    private final Session session;
    private final MessageConsumer reader;
    private final String unknownBecause;
    private final long listenedAt = System.nanoTime();

    /**
     * What a broker has up.
     *
     * @param brokers        the names of the brokers at the other ends, sorted; {@code null} when unknown
     * @param unknownBecause why {@code brokers} is {@code null}, else {@code null}
     */
    public record Up(List<String> brokers, String unknownBecause) {
    }

    private NetworkLinks(Session session, MessageConsumer reader, String unknownBecause) {
        this.session = session;
        this.reader = reader;
        this.unknownBecause = unknownBecause;
    }

    /**
     * Subscribes to the advisory on {@code connection}, whose user is {@code endpoint}'s; a user who
     * may not read it gets links unknown, with the reason, from {@link #up}.
     */
    public static NetworkLinks listen(Connection connection, BrokerEndpoint endpoint) throws JMSException {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try {
            return new NetworkLinks(session, session.createConsumer(session.createTopic(ADVISORY_TOPIC)), null);
        } catch (JMSSecurityException e) {
            session.close();
            return new NetworkLinks(null, null, StatusProbe.who(endpoint) + " may not read topic " + ADVISORY_TOPIC);
        } catch (JMSException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The links up now, by what the broker replayed and said since {@link #listen}; ends the subscription. */
    public Up up() throws JMSException {
        if (reader == null) {
            return new Up(null, unknownBecause);
        }
        try {
            Set<String> brokers = new TreeSet<>();
            Message advisory = receive(remaining(FIRST));
            while (advisory != null) {
                take(advisory, brokers);
                // Past AT_MOST only what is already here is read: every link's replay came at once,
                // and a reader that stopped at one of them would call the others down.
                advisory = remaining(AT_MOST) <= 0 ? reader.receiveNoWait() : receive(QUIET.toMillis());
            }
            return new Up(new ArrayList<>(brokers), null);
        } finally {
            session.close();
        }
    }

    private Message receive(long millis) throws JMSException {
        // receive(0) would wait for ever.
        return millis <= 0 ? reader.receiveNoWait() : reader.receive(millis);
    }

    private long remaining(Duration since) {
        return since.toMillis() - (System.nanoTime() - listenedAt) / 1_000_000;
    }

    private static void take(Message message, Set<String> brokers) throws JMSException {
        if (!(message instanceof ActiveMQMessage advisory) || !(advisory.getDataStructure() instanceof BrokerInfo other)
                || other.getBrokerName() == null) {
            log.debug("ignored an advisory without the other broker's name: {}", message);
            return;
        }
        if (advisory.getBooleanProperty("started")) {
            brokers.add(other.getBrokerName());
        } else {
            brokers.remove(other.getBrokerName());
        }
    }
}
