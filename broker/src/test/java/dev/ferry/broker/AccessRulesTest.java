package dev.ferry.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.broker.BrokerUser.Role;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import java.net.URI;
import java.security.Principal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.activemq.security.AuthorizationEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class AccessRulesTest {

    private static final String QUEUE = WireFormat.DEFAULT_QUEUE;
    private static final String DEAD_LETTERS = WireFormat.deadLetterQueueOf(QUEUE);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final BrokerUser PRODUCER = new BrokerUser("ferry-producer", "p-secret", Role.PRODUCER);
    private static final BrokerUser CONSUMER = new BrokerUser("ferry-consumer", "c-secret", Role.CONSUMER);
    private static final BrokerUser ADMIN = new BrokerUser("ferry-admin", "a-secret", Role.ADMIN);

    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(strings = {"activemq.xml", "activemq-tls.xml"})
    void theEmbeddedRulesAreThoseOfBrokerConfig(String file) throws Exception {
        assertThat(rulesOf(AccessRules.entries(QUEUE))).containsExactlyElementsOf(rulesInBrokerConfig(file));
    }

    @Test
    void theProducerMaySendToTheQueueOnly() throws Exception {
        try (EmbeddedBroker broker = start(); Connection producer = login(broker, PRODUCER)) {
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("change"));
            assertThatThrownBy(() -> session.createConsumer(session.createQueue(QUEUE)))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("not authorized to read from");
            assertThatThrownBy(() -> session.createProducer(session.createQueue("elsewhere")).send(session.createTextMessage("x")))
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void theConsumerMayReadTheQueueAndReadAndWriteItsDeadLetters() throws Exception {
        try (EmbeddedBroker broker = start(); Connection producer = login(broker, PRODUCER);
                Connection consumer = login(broker, CONSUMER)) {
            Session sending = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            sending.createProducer(sending.createQueue(QUEUE)).send(sending.createTextMessage("change"));
            Session session = consumer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThat(session.createConsumer(session.createQueue(QUEUE)).receive(PATIENCE.toMillis())).isNotNull();
            session.createProducer(session.createQueue(DEAD_LETTERS)).send(session.createTextMessage("poison"));
            assertThat(session.createConsumer(session.createQueue(DEAD_LETTERS)).receive(PATIENCE.toMillis())).isNotNull();
            assertThatThrownBy(() -> session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("x")))
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void everyRoleMayAskForTheQueueStatus() throws Exception {
        try (EmbeddedBroker broker = start()) {
            for (BrokerUser user : List.of(PRODUCER, CONSUMER, ADMIN)) {
                QueueStatus status = QueueStatistics.query(endpoint(broker, user), QUEUE, PATIENCE);
                assertThat(status.queue()).as("status for %s", user).isEqualTo(QUEUE);
            }
        }
    }

    @Test
    void producersAndConsumersPublishHeartbeatsThatEveryRoleMayRead() throws Exception {
        String topic = WireFormat.statusTopicOf(QUEUE);
        try (EmbeddedBroker broker = start()) {
            for (BrokerUser sender : List.of(PRODUCER, CONSUMER)) {
                try (Connection connection = login(broker, sender)) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    session.createProducer(session.createTopic(topic)).send(session.createTextMessage("beat"));
                }
            }
            for (BrokerUser reader : List.of(PRODUCER, CONSUMER, ADMIN)) {
                try (Connection connection = login(broker, reader)) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    session.createConsumer(session.createTopic(topic)).close();
                }
            }
            try (Connection producer = login(broker, PRODUCER)) {
                Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertThatThrownBy(() -> session.createProducer(session.createTopic("ferry.status.other"))
                        .send(session.createTextMessage("beat"))).isInstanceOf(JMSSecurityException.class);
            }
        }
    }

    @Test
    void nobodyGetsInWithoutTheRightPassword() throws Exception {
        try (EmbeddedBroker broker = start()) {
            assertThatThrownBy(() -> new BrokerEndpoint(broker.connectUrl(), null, null).connect(null, 1).close())
                    .isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> new BrokerEndpoint(broker.connectUrl(), PRODUCER.name(), "guess").connect(null, 1).close())
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    private EmbeddedBroker start() throws Exception {
        return EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0"))
                .withUsers(PRODUCER, CONSUMER, ADMIN));
    }

    private static BrokerEndpoint endpoint(EmbeddedBroker broker, BrokerUser user) {
        return new BrokerEndpoint(broker.connectUrl(), user.name(), user.password());
    }

    private static Connection login(EmbeddedBroker broker, BrokerUser user) throws JMSException {
        return endpoint(broker, user).connect(null, 1);
    }

    /** "queue ferry.changes read=consumers write=producers admin=consumers,producers", groups sorted. */
    private static List<String> rulesOf(List<AuthorizationEntry> entries) {
        return entries.stream().map(entry -> rule(entry.getDestination().isQueue() ? "queue" : "topic",
                entry.getDestination().getPhysicalName(),
                groups(entry.getReadACLs()), groups(entry.getWriteACLs()), groups(entry.getAdminACLs()))).toList();
    }

    private static String groups(Set<Object> principals) {
        return String.join(",", principals.stream().map(p -> ((Principal) p).getName()).toList());
    }

    private static List<String> rulesInBrokerConfig(String file) throws Exception {
        Path config = Path.of(System.getProperty("user.dir")).resolve("../broker-config").resolve(file).normalize();
        NodeList entries = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(config.toFile())
                .getElementsByTagName("authorizationEntry");
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < entries.getLength(); i++) {
            Element entry = (Element) entries.item(i);
            String kind = entry.hasAttribute("queue") ? "queue" : "topic";
            String name = entry.getAttribute(kind).replace("${ferry.queue:ferry.changes}", QUEUE);
            rules.add(rule(kind, name, entry.getAttribute("read"), entry.getAttribute("write"), entry.getAttribute("admin")));
        }
        return rules;
    }

    private static String rule(String kind, String name, String read, String write, String admin) {
        return kind + " " + name + " read=" + sorted(read) + " write=" + sorted(write) + " admin=" + sorted(admin);
    }

    private static String sorted(String groups) {
        return String.join(",", Stream.of(groups.split(",")).map(String::trim).sorted().toList());
    }
}
