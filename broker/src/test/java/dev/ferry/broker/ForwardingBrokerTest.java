package dev.ferry.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Two brokers in one JVM, site A forwarding to site B, as {@code ferry broker --forward-to} sets
 * them up: a mirror consumed at B gets every message published at A exactly once and in order,
 * also what was published while B was down; a mirror consumed at A stays at A; the topic itself
 * is never bridged (B would copy the messages into its mirror queues a second time); the link logs
 * in at both ends as the forward user, which A admits besides its own user; a link is up only
 * once the other broker answered, not while a connection to its port is merely open.
 */
@Timeout(90)
class ForwardingBrokerTest {

    private static final String STREAM = WireFormat.DEFAULT_QUEUE;
    private static final String LOCAL = WireFormat.mirrorQueueOf("default", STREAM);
    private static final String OFFSITE = WireFormat.mirrorQueueOf("offsite", STREAM);

    @TempDir
    Path siteA;
    @TempDir
    Path siteB;

    @Test
    void aMirrorConsumedAtTheOtherSiteGetsEveryMessageOnceAndInOrderAlsoThoseSentWhileItWasDown()
            throws Exception {
        URI addressB = URI.create("tcp://127.0.0.1:" + freePort());
        BrokerOptions optionsB = BrokerOptions.defaults(siteB).withListen(addressB).withBrokerName("site-b")
                .withUsers(new BrokerUser("bridge", "bridge-secret", BrokerUser.Role.ADMIN),
                        BrokerUser.consumerOf("offsite", "reader", "reader-secret"));
        BrokerOptions optionsA = BrokerOptions.defaults(siteA).withListen(URI.create("tcp://127.0.0.1:0"))
                .withCredentials("admin-a", "secret-a").withBrokerName("site-a")
                .withForwards(List.of(new Forward(addressB, "bridge", "bridge-secret", null)));
        EmbeddedBroker b = EmbeddedBroker.start(optionsB);
        try (EmbeddedBroker a = EmbeddedBroker.start(optionsA)) {
            BrokerEndpoint atA = new BrokerEndpoint(a.connectUrl(), "admin-a", "secret-a");
            BrokerEndpoint readerAtB = new BrokerEndpoint(addressB.toString(), "reader", "reader-secret");
            createQueues(atA, LOCAL, OFFSITE); // as the producer does for the mirrors it is told of
            await("the link from A to B", a::forwardingLinksUp);

            List<String> atB = new ArrayList<>();
            try (Reader offsite = new Reader(readerAtB, OFFSITE)) {
                publish(atA, 0, 100);
                offsite.readInto(atB, 100);
            }
            b.close();
            publish(atA, 100, 150); // while B is down: they wait at A
            b = EmbeddedBroker.start(optionsB);
            try (Reader offsite = new Reader(readerAtB, OFFSITE)) {
                offsite.readInto(atB, 50);
                assertThat(offsite.next(1_000)).as("a message beyond those published").isNull();
            }

            assertThat(atB).as("what mirror 'offsite' got at B").containsExactlyElementsOf(numbered(0, 150));
            List<String> local = new ArrayList<>();
            try (Reader reader = new Reader(atA, LOCAL)) {
                reader.readInto(local, 150);
                assertThat(reader.next(500)).isNull();
            }
            assertThat(local).as("what mirror 'default' got at A").containsExactlyElementsOf(numbered(0, 150));
        } finally {
            b.close();
        }
        try (EmbeddedBroker onlyB = EmbeddedBroker.start(optionsB.withCredentials("admin-b", "secret-b"))) {
            BrokerEndpoint adminAtB = new BrokerEndpoint(onlyB.connectUrl(), "admin-b", "secret-b");
            try (Reader local = new Reader(adminAtB, LOCAL)) {
                assertThat(local.next(500)).as("mirror 'default' at B, which only A's consumer reads").isNull();
            }
            try (Reader offsite = new Reader(adminAtB, OFFSITE)) {
                assertThat(offsite.next(500)).as("a second copy at B of what the topic got at A").isNull();
            }
        }
    }

    @Test
    void aLinkToAPortThatAcceptsButWhereNoBrokerAnswersIsNotUp() throws Exception {
        // A port forward or relay whose far end is down: connections are taken, nothing answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> taken = new CopyOnWriteArrayList<>();
            Thread accepting = new Thread(() -> {
                try {
                    while (true) {
                        taken.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            accepting.setDaemon(true);
            accepting.start();
            BrokerOptions optionsA = BrokerOptions.defaults(siteA).withListen(URI.create("tcp://127.0.0.1:0"))
                    .withBrokerName("site-a").withForwards(List.of(new Forward(
                            URI.create("tcp://127.0.0.1:" + silent.getLocalPort()), null, null, null)));
            try (EmbeddedBroker a = EmbeddedBroker.start(optionsA)) {
                await("an attempt to link", () -> !taken.isEmpty());
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < until) {
                    assertThat(a.forwardingLinksUp()).as("a link nobody answered").isFalse();
                    Thread.sleep(10);
                }
            } finally {
                for (Socket socket : taken) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aStandbyPairAtTheOtherSiteIsTriedInOrderAndASingleBrokerStatically() throws Exception {
        assertThat(Forwarding.discoveryUri(URI.create("failover:(tcp://b1:61616,tcp://b2:61616)?randomize=false")))
                .hasToString("masterslave:(tcp://b1:61616,tcp://b2:61616)"
                        + "?initialReconnectDelay=1000&maxReconnectDelay=10000&useExponentialBackOff=true");
        assertThat(Forwarding.discoveryUri(URI.create("ssl://b:61617")))
                .hasToString("static:(ssl://b:61617)"
                        + "?initialReconnectDelay=1000&maxReconnectDelay=10000&useExponentialBackOff=true");
    }

    @Test
    void theLinksUserIsAdmittedHereAsAnAdminUnlessItIsTheBrokersOwn() {
        BrokerOptions options = BrokerOptions.defaults(siteA).withCredentials("admin-a", "secret-a")
                .withForwards(List.of(new Forward(URI.create("tcp://b:61616"), "network", "n", null),
                        new Forward(URI.create("tcp://c:61616"), "admin-a", "secret-a", null),
                        new Forward(URI.create("tcp://d:61616"), "network", "n", null)));
        assertThat(Forwarding.forwardUsers(options))
                .containsExactly(new BrokerUser("network", "n", BrokerUser.Role.ADMIN));
        assertThat(Forwarding.forwardUsers(BrokerOptions.defaults(siteA).withForwards(options.forwards())))
                .as("a broker that lets anyone in").isEmpty();
    }

    @Test
    void brokerConfigsForwardingBridgesWhatTheEmbeddedBrokerBridges() throws Exception {
        Path config = Path.of(System.getProperty("user.dir")).resolve("../broker-config/activemq-forward.xml")
                .normalize();
        Element connector = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(config.toFile())
                .getElementsByTagName("networkConnector").item(0);

        assertThat(connector.getAttribute("duplex")).isEqualTo("true");
        assertThat(connector.getAttribute("prefetchSize")).isEqualTo(String.valueOf(Forwarding.PREFETCH));
        String embedded = Forwarding.discoveryUri(URI.create("tcp://b:1")).toString();
        assertThat(connector.getAttribute("uri")).as("the reconnection options")
                .isEqualTo("static:(${ferry.forward.uri})" + embedded.substring(embedded.indexOf('?')));
        assertThat(destinations(connector, "dynamicallyIncludedDestinations")).containsExactly(
                "queue " + WireFormat.mirrorQueuesOf(">"), "queue " + WireFormat.controlQueueOf(">"));
        assertThat(destinations(connector, "staticallyIncludedDestinations"))
                .containsExactly("topic " + WireFormat.statusTopicOf(">"));
        assertThat(destinations(connector, "excludedDestinations"))
                .containsExactly("topic " + WireFormat.changeTopicOf(">"));
    }

    private static List<String> destinations(Element connector, String list) {
        Element listed = (Element) connector.getElementsByTagName(list).item(0);
        List<String> names = new ArrayList<>();
        NodeList children = listed.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element destination) {
                names.add(destination.getTagName() + " " + destination.getAttribute("physicalName"));
            }
        }
        return names;
    }

    private static void createQueues(BrokerEndpoint endpoint, String... queues) throws JMSException {
        Connection connection = endpoint.connect("test", 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : queues) {
                session.createConsumer(session.createQueue(queue)).close();
            }
        } finally {
            connection.close();
        }
    }

    private static void publish(BrokerEndpoint endpoint, int from, int to) throws JMSException {
        Connection connection = endpoint.connect("test", 1);
        try {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createTopic(WireFormat.changeTopicOf(STREAM)));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = from; i < to; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
            session.commit();
        } finally {
            connection.close();
        }
    }

    private static List<String> numbered(int from, int to) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < to; i++) {
            names.add("m" + i);
        }
        return names;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A consumer of one queue, as a mirror's consumer is: exclusive. */
    private static final class Reader implements AutoCloseable {
        private final Connection connection;
        private final MessageConsumer consumer;

        Reader(BrokerEndpoint endpoint, String queue) throws JMSException {
            connection = endpoint.connect("test", 1);
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            consumer = session.createConsumer(session.createQueue(queue + "?consumer.exclusive=true"));
        }

        TextMessage next(long millis) throws JMSException {
            Message message = consumer.receive(millis);
            return (TextMessage) message;
        }

        void readInto(List<String> texts, int count) throws JMSException {
            for (int i = 0; i < count; i++) {
                TextMessage message = next(30_000);
                assertThat(message).as("message %d of %d (after %s)", i + 1, count, texts.size()).isNotNull();
                texts.add(message.getText());
            }
        }

        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }
}
