package dev.ferry.broker;

import dev.ferry.wire.FailoverUrl;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.SslContext;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.network.DiscoveryNetworkConnector;
import org.apache.activemq.network.NetworkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store-and-forward to brokers at other sites: one ActiveMQ network connector per {@link Forward}.
 *
 * <p>What crosses, and why only that:
 * <ul>
 *   <li>Mirror queues ({@code Consumer.*.VirtualTopic.>}), on demand: a mirror's messages move to
 *       the other broker while its consumer is attached there, and wait here, on disk, while the
 *       link or that consumer is down. Each message is acknowledged here only once the other
 *       broker has stored it, so nothing is lost, and one bridge consumer per queue keeps the
 *       queue's order.</li>
 *   <li>Never the change topics ({@code VirtualTopic.>}): a bridged topic is a non-durable
 *       subscription, so what is published while the link is down would be lost, and the other
 *       broker would copy what it gets into its own mirror queues a second time (ActiveMQ's
 *       "bridge consumer queues or virtual topics, not both").</li>
 *   <li>Control queues, both ways (the connector is duplex): a mirror there asks the producer here
 *       for a repair.</li>
 *   <li>Status topics, both ways and always, not on demand: every heartbeat crosses while the link
 *       is up, and each broker keeps the latest for `ferry status`. Crossing only while someone
 *       subscribed at the other end, a consumer's beats would reach this broker only while a
 *       `ferry status` ran here, and once the link is down nobody here could tell that a mirror's
 *       waiting messages wait for the link (its consumer's beats name its broker).</li>
 * </ul>
 * A mirror is consumed at one site; another mirror of the same stream may be consumed here.
 */
final class Forwarding {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);

    /** The connectors' names: {@code ferry-forward-1}, ... in the order the forwards were given. */
    static final String CONNECTOR_PREFIX = "ferry-forward-";

    /**
     * Messages in flight to the other broker per mirror queue: the consumer's own window
     * (ActiveMQ's default of 1000 would be 500 MiB of 512 KiB chunks, beyond a queue's 64 MiB).
     */
    static final int PREFETCH = 32;

    /** Between attempts to reach the other broker: from 1 s, doubling, up to Ferry's usual 10 s. */
    private static final String RECONNECT = "initialReconnectDelay=1000&maxReconnectDelay=10000"
            + "&useExponentialBackOff=true";

    private Forwarding() {
    }

    /**
     * Adds a network connector to {@code service} for each forward of {@code options}. They start
     * with the broker, after its store is locked, so only the active broker of a pair forwards,
     * and in the background, so that an unreachable site does not hold up the start.
     */
    static void configure(BrokerService service, BrokerOptions options) throws IOException {
        List<Forward> forwards = options.forwards();
        if (forwards.isEmpty()) {
            return;
        }
        check(options);
        for (Forward forward : forwards) {
            boolean login = forward.user() != null || options.user() != null;
            if (login && "tcp".equalsIgnoreCase(forward.to().getScheme())) {
                LOG.warn("forwarding to {}: the link's login travels in clear over tcp://, and ActiveMQ hands it to"
                        + " the other broker; use ssl:// between sites", forward);
            }
        }
        service.setNetworkConnectorStartAsync(true);
        for (int i = 0; i < forwards.size(); i++) {
            try {
                service.addNetworkConnector(connector(forwards.get(i), i + 1, options));
            } catch (Exception e) {
                throw new IOException("cannot forward to " + forwards.get(i) + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Finds what would stop the forwards of {@code options} from being set up, without a broker: a
     * standby checks this before it waits, rather than fail at the moment it should take over.
     *
     * @throws IllegalArgumentException when a forward has no user to log in with
     * @throws IOException              when the TLS stores of a forward cannot be used
     */
    static void check(BrokerOptions options) throws IOException {
        for (Forward forward : options.forwards()) {
            if (options.authenticated() && forward.user() == null && options.user() == null) {
                throw new IllegalArgumentException("forwarding to " + forward + " needs a user (--forward-user): "
                        + "the link logs in with it here and there");
            }
            if (forward.tls() != null) {
                try {
                    forward.tls().sslContext();
                } catch (GeneralSecurityException e) {
                    throw new IOException("cannot forward to " + forward + ": its TLS stores cannot be used: "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * The users this broker must admit, as admins, for its links to log in to it: each forward's
     * user, when it is not the broker's own.
     */
    static List<BrokerUser> forwardUsers(BrokerOptions options) {
        if (!options.authenticated()) {
            return List.of();
        }
        List<BrokerUser> users = new ArrayList<>();
        for (Forward forward : options.forwards()) {
            if (forward.user() != null && !forward.user().equals(options.user())
                    && users.stream().noneMatch(u -> u.name().equals(forward.user()))) {
                users.add(new BrokerUser(forward.user(), forward.password(), BrokerUser.Role.ADMIN));
            }
        }
        return users;
    }

    private static NetworkConnector connector(Forward forward, int number, BrokerOptions options)
            throws URISyntaxException, GeneralSecurityException, IOException {
        DiscoveryNetworkConnector connector = new DiscoveryNetworkConnector(discoveryUri(forward.to()));
        connector.setName(CONNECTOR_PREFIX + number);
        connector.setDuplex(true);
        // ActiveMQ's default, said here because the status topics are bridged statically: a status
        // reader at the other end joins the link's one subscription instead of adding a second, which
        // would bring every heartbeat twice.
        connector.setConduitSubscriptions(true);
        // One login for both ends: ActiveMQ's duplex bridge logs in to the other broker's own
        // broker, for the way back, with the user it logs in here with (sent to it for that), so
        // the user must be valid at both ends; with it the link reads every mirror queue here and
        // writes them there. See forwardUsers for how this broker admits it.
        String user = forward.user() != null ? forward.user() : options.user();
        String password = forward.user() != null ? forward.password() : options.password();
        connector.setUserName(user);
        connector.setPassword(password);
        connector.setRemoteUserName(user);
        connector.setRemotePassword(password);
        if (forward.tls() != null) {
            SslContext context = new SslContext();
            context.setSSLContext(forward.tls().sslContext());
            connector.setSslContext(context);
        }
        connector.setDynamicallyIncludedDestinations(List.<ActiveMQDestination>of(
                new ActiveMQQueue(WireFormat.mirrorQueuesOf(">")),
                new ActiveMQQueue(WireFormat.controlQueueOf(">"))));
        connector.setStaticallyIncludedDestinations(List.<ActiveMQDestination>of(
                new ActiveMQTopic(WireFormat.statusTopicOf(">"))));
        connector.setExcludedDestinations(List.<ActiveMQDestination>of(
                new ActiveMQTopic(WireFormat.changeTopicOf(">"))));
        connector.setPrefetchSize(PREFETCH);
        connector.setBridgeTempDestinations(false);
        return connector;
    }

    /**
     * The discovery URI of {@code to}: {@code static:(to)} for one broker; for a standby pair,
     * {@code masterslave:(a,b)}, which ActiveMQ turns into a failover connection that tries them in
     * order and gives the reconnecting back to the connector.
     */
    static URI discoveryUri(URI to) throws URISyntaxException {
        URI[] brokers = FailoverUrl.brokersOf(to);
        return new URI(FailoverUrl.listing(brokers.length == 1 ? "static" : "masterslave", brokers) + "?" + RECONNECT);
    }
}
