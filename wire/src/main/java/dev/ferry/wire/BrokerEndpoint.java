package dev.ferry.wire;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.transport.TransportListener;
import org.apache.activemq.transport.failover.FailoverTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the broker is and how to log in: the one seam through which both sides reach it.
 *
 * @param url      an ActiveMQ Classic URL: {@code tcp://host:port}, {@code ssl://...},
 *                 {@code failover:(...)} (given Ferry's defaults, see {@link FailoverUrl}) or
 *                 {@code vm://name} for an in-process broker
 * @param user     user name, or {@code null} for an anonymous connection
 * @param password password, or {@code null}
 * @param tls      the stores an {@code ssl://} connection uses, or {@code null} for the JVM's defaults
 */
public record BrokerEndpoint(String url, String user, String password, TlsStores tls) {

    public static final String DEFAULT_URL = "tcp://localhost:61616";

    private static final Logger log = LoggerFactory.getLogger(BrokerEndpoint.class);

    /** The broker that last answered each failover URL in this process: see sayWhichAnswered. */
    private static final Map<String, String> LAST_ANSWERED = new ConcurrentHashMap<>();

    /**
     * How often to ask when the broker hangs up before answering the login. A broker that refuses a
     * login closes the connection right after its answer, and now and then the client sees the close
     * first ("Disposed due to prior exception", seen in CI): asking again gets the refusal itself,
     * which the user can act on, instead of a message that says nothing.
     */
    private static final int LOGIN_ATTEMPTS = 3;

    public BrokerEndpoint {
        Objects.requireNonNull(url, "broker url");
    }

    /** An endpoint whose {@code ssl://} connections, if any, trust what the JVM trusts. */
    public BrokerEndpoint(String url, String user, String password) {
        this(url, user, password, null);
    }

    /** The same endpoint with {@code stores} for its TLS connections. */
    public BrokerEndpoint withTls(TlsStores stores) {
        return new BrokerEndpoint(url, user, password, stores);
    }

    /** The endpoint from the documented environment, with {@code url} overriding FERRY_BROKER_URL when given. */
    public static BrokerEndpoint fromEnvironment(String url) {
        String resolved = url != null ? url : System.getenv().getOrDefault("FERRY_BROKER_URL", DEFAULT_URL);
        return new BrokerEndpoint(resolved, System.getenv("FERRY_BROKER_USER"),
                System.getenv("FERRY_BROKER_PASSWORD"));
    }

    /**
     * Opens and starts a connection.
     *
     * @param prefetch how many messages the broker may push ahead to a consumer of this connection
     * @throws BrokerUnreachableException when no attempt got a word from the broker
     * @throws JMSException               when the broker refused the login, or answered and then went
     *                                    away (even if asking again found nothing listening any more)
     */
    public Connection connect(String clientPurpose, int prefetch) throws JMSException {
        BrokerHeard heard = new BrokerHeard();
        for (int attempt = 1; ; attempt++) {
            try {
                return connectOnce(clientPurpose, prefetch, heard);
            } catch (JMSException e) {
                if (attempt < LOGIN_ATTEMPTS && isCutOffBeforeTheAnswer(e)) {
                    continue;
                }
                throw heard.anything ? e : new BrokerUnreachableException(e);
            }
        }
    }

    /**
     * Which broker of a failover URL answered: at INFO when it is another than the one that answered
     * this URL before in this process (after a takeover, the one that took over), else at DEBUG,
     * since metrics and heartbeats connect every few seconds.
     */
    private void sayWhichAnswered(Connection connection, String clientPurpose) throws JMSException {
        String answered = answeredBy(connection, url);
        String before = LAST_ANSWERED.put(url, answered);
        if (answered.equals(before)) {
            log.debug("connected to {} (broker {}) for {}", answered, brokerName(connection), clientPurpose);
        } else {
            log.info("connected to {} (broker {}) for {}", answered, brokerName(connection), clientPurpose);
        }
    }

    /**
     * The address {@code connection} is connected to: for a {@code failover:} URL, the one of its
     * brokers that answered; otherwise {@code url} itself.
     */
    public static String answeredBy(Connection connection, String url) {
        if (connection instanceof ActiveMQConnection active) {
            FailoverTransport failover = active.getTransport().narrow(FailoverTransport.class);
            // Read once: the failover transport clears it on its own thread when the broker is lost.
            URI connected = failover == null ? null : failover.getConnectedTransportURI();
            if (connected != null) {
                return connected.toString();
            }
        }
        return url;
    }

    /** The name the broker of {@code connection} gave, or {@code null} when it gave none. */
    public static String brokerName(Connection connection) {
        return connection instanceof ActiveMQConnection active ? active.getBrokerName() : null;
    }

    private static boolean isCutOffBeforeTheAnswer(JMSException e) {
        return !(e instanceof JMSSecurityException) && e.getMessage() != null
                && e.getMessage().startsWith("Disposed due to prior exception");
    }

    private Connection connectOnce(String clientPurpose, int prefetch, BrokerHeard heard) throws JMSException {
        String connectionUrl = FailoverUrl.withDefaults(url);
        ActiveMQConnectionFactory factory = tls == null ? new ActiveMQConnectionFactory(user, password, connectionUrl)
                : tls.connectionFactory(user, password, connectionUrl);
        factory.setTransportListener(heard); // Added to the connection before its transport starts.
        factory.setTrustedPackages(List.of()); // Ferry never sends ObjectMessage; trust nothing.
        factory.setWatchTopicAdvisories(false);
        factory.getPrefetchPolicy().setQueuePrefetch(prefetch);
        // The consumer decides itself when a message is poison (see consumer's DeadLetterChannel),
        // so the client must redeliver after a rollback rather than dead-letter on its own count.
        RedeliveryPolicy redelivery = factory.getRedeliveryPolicy();
        redelivery.setMaximumRedeliveries(RedeliveryPolicy.NO_MAXIMUM_REDELIVERIES);
        redelivery.setInitialRedeliveryDelay(0);
        redelivery.setRedeliveryDelay(0);
        ActiveMQConnection connection = (ActiveMQConnection) factory.createConnection();
        try {
            connection.setClientID(null == clientPurpose ? null : clientId(clientPurpose));
            connection.start();
            connection.removeTransportListener(heard); // Only the set-up needs it.
            if (FailoverUrl.isFailover(url)) {
                sayWhichAnswered(connection, clientPurpose);
            }
            return connection;
        } catch (JMSException | RuntimeException e) {
            try {
                connection.close();
            } catch (JMSException ignored) {
                // The original failure is the one worth reporting.
            }
            throw e;
        }
    }

    /**
     * Why a TLS handshake with this endpoint's broker fails, found by shaking hands again with the
     * same trust (see {@link TlsProbe}); {@code null} when it succeeds, when no address is
     * {@code ssl://}, or when the stores themselves cannot be read (the connection's own error says so).
     */
    public SSLException tlsHandshakeFailure(Duration timeout) {
        SSLContext context;
        try {
            context = tls == null ? SSLContext.getDefault() : tls.sslContext();
        } catch (GeneralSecurityException | IOException unreadable) {
            return null;
        }
        return TlsProbe.handshakeFailure(url, context, timeout);
    }

    /**
     * Hears whether the broker sent anything at all over the connections of one {@link #connect}:
     * its wire format comes first, before the login. A broker heard from was there, so a failure
     * after that is the broker going away, not a wrong address.
     */
    private static final class BrokerHeard implements TransportListener {
        volatile boolean anything;

        @Override
        public void onCommand(Object command) {
            anything = true;
        }

        @Override
        public void onException(IOException error) {
            // The connection's own exception says it, to whoever uses the connection.
        }

        @Override
        public void transportInterupted() {
            // Only a failover: transport is interrupted, and it resumes by itself.
        }

        @Override
        public void transportResumed() {
            // See transportInterupted.
        }
    }

    private static String clientId(String purpose) {
        return "ferry-" + purpose + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Override
    public String toString() {
        return url + (user == null ? "" : " as " + user);
    }
}
