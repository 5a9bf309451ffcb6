package dev.ferry.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.broker.BrokerUser.Role;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.security.Principal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.DestinationInfo;
import org.apache.activemq.security.AuthorizationEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class AccessRulesTest {

    private static final String QUEUE = WireFormat.DEFAULT_QUEUE;
    private static final String TOPIC = WireFormat.changeTopicOf(QUEUE);
    private static final String DEFAULT_QUEUE = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, QUEUE);
    private static final String OFFSITE_QUEUE = WireFormat.mirrorQueueOf("offsite", QUEUE);
    private static final String CONTROL = WireFormat.controlQueueOf(QUEUE);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final BrokerUser PRODUCER = new BrokerUser("ferry-producer", "p-secret", Role.PRODUCER);
    private static final BrokerUser CONSUMER = new BrokerUser("ferry-consumer", "c-secret", Role.CONSUMER);
    private static final BrokerUser OFFSITE = BrokerUser.consumerOf("offsite", "ferry-offsite", "o-secret");
    private static final BrokerUser ADMIN = new BrokerUser("ferry-admin", "a-secret", Role.ADMIN);

    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(strings = {"activemq.xml", "activemq-tls.xml", "activemq-forward.xml"})
    void theEmbeddedRulesAreThoseOfBrokerConfig(String file) throws Exception {
        assertThat(rulesOf(AccessRules.entries(QUEUE, AccessRules.SHIPPED_MIRRORS)))
                .containsExactlyElementsOf(rulesInBrokerConfig(file));
    }

    @Test
    void theProducerPublishesOnTheTopicAndCreatesAndWritesMirrorQueuesButReadsNone() throws Exception {
        try (EmbeddedBroker broker = start(); Connection producer = login(broker, PRODUCER);
                Connection consumer = login(broker, CONSUMER)) {
            createQueue(producer, DEFAULT_QUEUE);
            createQueue(producer, WireFormat.mirrorQueueOf("added-later", QUEUE));
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createTopic(TOPIC)).send(session.createTextMessage("change"));

            Session receiving = consumer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThat(receiving.createConsumer(receiving.createQueue(DEFAULT_QUEUE)).receive(PATIENCE.toMillis()))
                    .as("what the producer published, copied to a queue it may not read").isNotNull();
            assertThatThrownBy(() -> session.createConsumer(session.createQueue(DEFAULT_QUEUE)))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("not authorized to read from");
            assertThatThrownBy(() -> session.createProducer(session.createQueue("elsewhere")).send(session.createTextMessage("x")))
                    .isInstanceOf(JMSSecurityException.class);
            String otherStreams = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, "another.stream");
            assertThatThrownBy(() -> session.createProducer(session.createQueue(otherStreams))
                    .send(session.createTextMessage("x"))).as("a mirror's queue of another stream")
                    .isInstanceOf(JMSSecurityException.class);
            // A producer of before mirrors still sends to the queue of the stream.
            session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("older producer"));
        }
    }

    @Test
    void aMirrorsUserAsksForARepairOnTheControlQueueAndTheProducerAnswersOnThatMirrorsQueue() throws Exception {
        try (EmbeddedBroker broker = start(); Connection producer = login(broker, PRODUCER);
                Connection consumer = login(broker, CONSUMER)) {
            Session asking = consumer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer mirrorQueue = asking.createConsumer(asking.createQueue(DEFAULT_QUEUE));
            // The first to use the control queue makes it: here a consumer, before any producer ran.
            TextMessage request = asking.createTextMessage("repair, please");
            request.setJMSReplyTo(asking.createQueue(DEFAULT_QUEUE));
            asking.createProducer(asking.createQueue(CONTROL)).send(request);

            Session answering = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message received = answering.createConsumer(answering.createQueue(CONTROL)).receive(PATIENCE.toMillis());
            assertThat(received).as("the request, read by the producer").isNotNull();
            answering.createProducer(received.getJMSReplyTo()).send(answering.createTextMessage("done"));

            assertThat(mirrorQueue.receive(PATIENCE.toMillis())).as("the answer, on the mirror's own queue")
                    .isNotNull();
        }
    }

    @Test
    void nobodyButTheProducerReadsTheControlQueueAndNobodyButAMirrorsUserWritesIt() throws Exception {
        try (EmbeddedBroker broker = start(); Connection producer = login(broker, PRODUCER);
                Connection consumer = login(broker, CONSUMER); Connection offsite = login(broker, OFFSITE)) {
            for (Connection mirror : List.of(consumer, offsite)) {
                Session session = mirror.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue(CONTROL)).send(session.createTextMessage("request"));
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(CONTROL)))
                        .as("a mirror's user reading the control queue").isInstanceOf(JMSSecurityException.class)
                        .hasMessageContaining("not authorized to read from");
                assertThatThrownBy(() -> session.createBrowser(session.createQueue(CONTROL)).getEnumeration())
                        .as("a mirror's user browsing the control queue").isInstanceOf(JMSSecurityException.class);
                String otherStreams = WireFormat.controlQueueOf("another");
                assertThatThrownBy(() -> session.createProducer(session.createQueue(otherStreams))
                        .send(session.createTextMessage("request"))).as("another stream's control queue")
                        .isInstanceOf(JMSSecurityException.class);
            }
            Session session = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createProducer(session.createQueue(CONTROL))
                    .send(session.createTextMessage("x")))
                    .as("the producer writing the control queue").isInstanceOf(JMSSecurityException.class)
                    .hasMessageContaining("not authorized to write to");
        }
    }

    @Test
    void theProducerMayRemoveAMirrorsQueueToDropIt() throws Exception {
        try (EmbeddedBroker broker = start(); Connection producer = login(broker, PRODUCER)) {
            createQueue(producer, OFFSITE_QUEUE);

            QueueRemoval.remove(producer, OFFSITE_QUEUE, false);

            assertThat(QueueStatistics.stream(endpoint(broker, PRODUCER), QUEUE, PATIENCE).queueExists("offsite"))
                    .isFalse();
            // ActiveMQ before 6.2 (apache/activemq#2005) checks the admin right only to remove a queue that
            // does not exist, so that it refuses the producer its dead-letter queues cannot be checked here.
            assertThatThrownBy(() -> QueueRemoval.remove(producer, "elsewhere", false))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("not authorized to remove");
        }
    }

    @Test
    void theConsumerOfAMirrorReadsItsOwnQueueAndDeadLettersOnly() throws Exception {
        try (EmbeddedBroker broker = start(); Connection producer = login(broker, PRODUCER);
                Connection consumer = login(broker, CONSUMER); Connection offsite = login(broker, OFFSITE)) {
            createQueue(producer, DEFAULT_QUEUE);
            createQueue(producer, OFFSITE_QUEUE);
            Session sending = producer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            sending.createProducer(sending.createTopic(TOPIC)).send(sending.createTextMessage("change"));

            for (Connection reader : List.of(consumer, offsite)) {
                boolean isDefault = reader == consumer;
                String own = isDefault ? DEFAULT_QUEUE : OFFSITE_QUEUE;
                String other = isDefault ? OFFSITE_QUEUE : DEFAULT_QUEUE;
                String deadLetters = WireFormat.deadLetterQueueOf(own);
                Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertThat(session.createConsumer(session.createQueue(own)).receive(PATIENCE.toMillis())).isNotNull();
                session.createProducer(session.createQueue(deadLetters)).send(session.createTextMessage("poison"));
                assertThat(session.createConsumer(session.createQueue(deadLetters)).receive(PATIENCE.toMillis())).isNotNull();
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(other)))
                        .as("reading another mirror's queue").isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(WireFormat.deadLetterQueueOf(other))))
                        .as("reading another mirror's dead letters").isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createProducer(session.createQueue(own)).send(session.createTextMessage("x")))
                        .as("writing its own queue").isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createProducer(session.createQueue(other))
                        .send(session.createTextMessage("x"))).as("writing another mirror's queue")
                        .isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createProducer(session.createTopic(TOPIC)).send(session.createTextMessage("x")))
                        .as("publishing on the stream").isInstanceOf(JMSSecurityException.class);
                if (isDefault) {
                    session.createConsumer(session.createQueue(QUEUE)).close();
                } else {
                    assertThatThrownBy(() -> session.createConsumer(session.createQueue(QUEUE)))
                            .as("the queue of before mirrors is mirror default's").isInstanceOf(JMSSecurityException.class);
                }
            }
        }
    }

    @Test
    void everyRoleMayAskForTheQueueStatus() throws Exception {
        try (EmbeddedBroker broker = start()) {
            for (BrokerUser user : List.of(PRODUCER, CONSUMER, OFFSITE, ADMIN)) {
                QueueStatus status = QueueStatistics.query(endpoint(broker, user), QUEUE, PATIENCE);
                assertThat(status.queue()).as("status for %s", user).isEqualTo(QUEUE);
            }
        }
    }

    @Test
    void producersAndConsumersPublishHeartbeatsThatEveryRoleMayRead() throws Exception {
        String topic = WireFormat.statusTopicOf(QUEUE);
        try (EmbeddedBroker broker = start()) {
            for (BrokerUser sender : List.of(PRODUCER, CONSUMER, OFFSITE)) {
                try (Connection connection = login(broker, sender)) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    session.createProducer(session.createTopic(topic)).send(session.createTextMessage("beat"));
                }
            }
            for (BrokerUser reader : List.of(PRODUCER, CONSUMER, OFFSITE, ADMIN)) {
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
                .withUsers(PRODUCER, CONSUMER, OFFSITE, ADMIN));
    }

    /** What the producer does to keep a mirror's queue (producer's MirrorQueues): ActiveMQ's add-destination command. */
    private static void createQueue(Connection connection, String queue) throws JMSException {
        ActiveMQConnection activemq = (ActiveMQConnection) connection;
        activemq.syncSendPacket(new DestinationInfo(activemq.getConnectionInfo().getConnectionId(),
                DestinationInfo.ADD_OPERATION_TYPE, new ActiveMQQueue(queue)));
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
