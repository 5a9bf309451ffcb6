package dev.ferry.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.broker.Forward;
import dev.ferry.wire.BrokerEndpoint;
import jakarta.jms.Connection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.filter.DestinationMapEntry;
import org.apache.activemq.security.AuthenticationUser;
import org.apache.activemq.security.AuthorizationEntry;
import org.apache.activemq.security.AuthorizationPlugin;
import org.apache.activemq.security.DefaultAuthorizationMap;
import org.apache.activemq.security.SimpleAuthenticationPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given brokers linked as {@code ferry broker --forward-to} links them, when status asks one which
 * links it has up, then ActiveMQ's advisory names the broker at the other end, at either end of
 * the link, and nothing once the link is gone or where there never was one; a user who may not
 * read the advisory learns why the links are unknown.
 */
@Timeout(90)
class NetworkLinksTest {

    private static final Duration LINKED = Duration.ofSeconds(30);

    @TempDir
    Path siteA;
    @TempDir
    Path siteB;

    @Test
    void eachEndOfALinkUpNamesTheOtherBrokerAndNoneOnceItIsGone() throws Exception {
        URI addressB = URI.create("tcp://127.0.0.1:" + freePort());
        EmbeddedBroker b = EmbeddedBroker.start(BrokerOptions.defaults(siteB).withListen(addressB)
                .withBrokerName("site-b"));
        try (EmbeddedBroker a = EmbeddedBroker.start(BrokerOptions.defaults(siteA)
                .withListen(URI.create("tcp://127.0.0.1:0")).withBrokerName("site-a")
                .withForwards(List.of(new Forward(addressB, null, null, null))))) {
            BrokerEndpoint atA = new BrokerEndpoint(a.connectUrl(), null, null);

            await("the link from site-a to site-b").atMost(LINKED)
                    .until(() -> linksUp(atA), links -> links.brokers().equals(List.of("site-b")));
            assertThat(linksUp(new BrokerEndpoint(addressB.toString(), null, null)))
                    .as("the link's other end, which the other broker made").isEqualTo(
                            new NetworkLinks.Up(List.of("site-a"), null));

            b.close();
            await("site-a's link gone").atMost(LINKED)
                    .until(() -> linksUp(atA), links -> links.brokers().isEmpty());
        } finally {
            b.close();
        }
    }

    @Test
    void aBrokerWithoutLinksHasNoneAndSaysSoAtOnce() throws Exception {
        try (EmbeddedBroker alone = EmbeddedBroker.start(BrokerOptions.defaults(siteA)
                .withListen(URI.create("tcp://127.0.0.1:0")).withBrokerName("alone"))) {
            long started = System.nanoTime();

            NetworkLinks.Up links = linksUp(new BrokerEndpoint(alone.connectUrl(), null, null));

            assertThat(links).isEqualTo(new NetworkLinks.Up(List.of(), null));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("what it adds to a status call")
                    .isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aUserWhoMayNotReadTheAdvisoryLearnsWhyTheLinksAreUnknown() throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName("strict");
        broker.setPersistent(false);
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        // Every connection's own advisory, which the broker makes as it comes, and nothing else.
        List<DestinationMapEntry> rules = List.of(entry(">", "admins"),
                entry("ActiveMQ.Advisory.Connection", "admins,consumers"));
        broker.setPlugins(new BrokerPlugin[] {
                new SimpleAuthenticationPlugin(List.of(new AuthenticationUser("admin", "a", "admins"),
                        new AuthenticationUser("ferry-consumer", "c", "consumers"))),
                new AuthorizationPlugin(new DefaultAuthorizationMap(rules))});
        broker.start();
        try {
            NetworkLinks.Up links = linksUp(new BrokerEndpoint("vm://strict?create=false", "ferry-consumer", "c"));

            assertThat(links).isEqualTo(new NetworkLinks.Up(null,
                    "user ferry-consumer may not read topic ActiveMQ.Advisory.NetworkBridge"));
            assertThat(linksUp(new BrokerEndpoint("vm://strict?create=false", "admin", "a")))
                    .isEqualTo(new NetworkLinks.Up(List.of(), null));
        } finally {
            broker.stop();
            broker.waitUntilStopped();
        }
    }

    private static NetworkLinks.Up linksUp(BrokerEndpoint endpoint) throws Exception {
        try (Connection connection = endpoint.connect("test", 1)) {
            return NetworkLinks.listen(connection, endpoint).up();
        }
    }

    private static AuthorizationEntry entry(String topics, String group) throws Exception {
        AuthorizationEntry entry = new AuthorizationEntry();
        entry.setTopic(topics);
        entry.setRead(group);
        entry.setWrite(group);
        entry.setAdmin(group);
        return entry;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
