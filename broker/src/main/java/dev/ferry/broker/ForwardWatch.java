package dev.ferry.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.network.NetworkBridge;
import org.apache.activemq.network.NetworkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when a link to a broker this one forwards to comes up and goes down: ActiveMQ
 * logs each reconnection attempt at length, or nothing, but not the one fact an operator needs.
 */
final class ForwardWatch implements AutoCloseable {

    static final Duration EVERY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(ForwardWatch.class);

    private final List<Link> links = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ferry-forward-watch");
        thread.setDaemon(true);
        return thread;
    });

    /** One connector, and what was last said about it. */
    private static final class Link {
        final NetworkConnector connector;
        final String to;
        boolean up;
        boolean everUp;
        long downSince = System.nanoTime();

        Link(NetworkConnector connector, String to) {
            this.connector = connector;
            this.to = to;
        }
    }

    private ForwardWatch(BrokerService service, List<Forward> forwards) {
        for (NetworkConnector connector : service.getNetworkConnectors()) {
            String name = connector.getName();
            if (name != null && name.startsWith(Forwarding.CONNECTOR_PREFIX)) {
                int index = Integer.parseInt(name.substring(Forwarding.CONNECTOR_PREFIX.length())) - 1;
                links.add(new Link(connector, forwards.get(index).to().toString()));
            }
        }
    }

    /** Watches the forwarding connectors of a started {@code service}; {@code null} when it has none. */
    static ForwardWatch start(BrokerService service, List<Forward> forwards) {
        if (forwards.isEmpty()) {
            return null;
        }
        ForwardWatch watch = new ForwardWatch(service, forwards);
        watch.timer.scheduleWithFixedDelay(watch::look, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    private void look() {
        for (Link link : links) {
            try {
                String remote = connectedBroker(link.connector);
                boolean up = remote != null;
                if (up && !link.up) {
                    if (link.everUp) {
                        LOG.info("forwarding to {}: link back after {} s (broker {})", link.to,
                                (System.nanoTime() - link.downSince) / 1_000_000_000, remote);
                    } else {
                        LOG.info("forwarding to {}: connected to broker {}", link.to, remote);
                    }
                    link.everUp = true;
                } else if (!up && link.up) {
                    link.downSince = System.nanoTime();
                    LOG.warn("forwarding to {}: link down; mirrors' messages wait here until it returns", link.to);
                }
                link.up = up;
            } catch (RuntimeException e) {
                LOG.debug("cannot look at the link to {}: {}", link.to, e.toString());
            }
        }
    }

    /** Whether every link is up now: for tests and status. */
    boolean allUp() {
        return links.stream().allMatch(link -> connectedBroker(link.connector) != null);
    }

    /**
     * The name of the broker {@code connector} has a link to; null while it has none. A bridge is
     * among the connector's active ones from the moment its connection is made, before the other
     * broker answered: a link that reaches a port whose far end is down (a tunnel, a relay, a port
     * forward) has one for a moment at each attempt, which is no link back. Only a bridge that got
     * the other broker's own introduction, its name, is a link.
     */
    private static String connectedBroker(NetworkConnector connector) {
        for (NetworkBridge bridge : connector.activeBridges()) {
            String name = bridge.getRemoteBrokerName();
            if (name != null) {
                return name;
            }
        }
        return null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
