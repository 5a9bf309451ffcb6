package dev.ferry.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.RedeliveryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerTest {

    private static final URI ANY_FREE_PORT = URI.create("tcp://127.0.0.1:0");

    @TempDir
    Path data;

    @Test
    void aPersistentMessageSurvivesARestart() throws Exception {
        try (EmbeddedBroker broker = startOnFreePort()) {
            send(endpoint(broker), "ferry.test", "hello");
        }
        try (EmbeddedBroker broker = startOnFreePort()) {
            assertThat(receive(endpoint(broker), "ferry.test")).isEqualTo("hello");
        }
    }

    @Test
    void aStatusTopicKeepsItsLatestMessagesForARetroactiveSubscriber() throws Exception {
        String topic = WireFormat.statusTopicOf("ferry.test");
        try (EmbeddedBroker broker = startOnFreePort()) {
            Connection sender = endpoint(broker).connect("test", 1);
            try {
                Session session = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createTopic(topic));
                producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                for (int i = 0; i < EmbeddedBroker.STATUS_MESSAGES_KEPT + 5; i++) {
                    producer.send(session.createTextMessage("beat " + i));
                }
            } finally {
                sender.close();
            }
            Connection reader = endpoint(broker).connect("test", 1);
            try {
                Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(
                        session.createTopic(topic + "?consumer.retroactive=true"));
                List<String> kept = new java.util.ArrayList<>();
                for (Message m = consumer.receive(5_000); m != null; m = consumer.receive(500)) {
                    kept.add(((TextMessage) m).getText());
                }
                assertThat(kept).hasSize(EmbeddedBroker.STATUS_MESSAGES_KEPT).startsWith("beat 5")
                        .endsWith("beat " + (EmbeddedBroker.STATUS_MESSAGES_KEPT + 4));
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void listeningOnPortZeroReportsTheBoundPort() throws Exception {
        try (EmbeddedBroker broker = startOnFreePort()) {
            URI url = URI.create(broker.connectUrl());
            assertThat(url.getScheme()).isEqualTo("tcp");
            assertThat(url.getHost()).isEqualTo("127.0.0.1");
            assertThat(url.getPort()).isPositive();
        }
    }

    @Test
    void withoutAListenAddressItIsReachableInProcess() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(null))) {
            assertThat(broker.connectUrl()).isEqualTo(broker.inProcessUrl()).startsWith("vm://ferry");
            BrokerEndpoint inProcess = new BrokerEndpoint(broker.inProcessUrl(), null, null);
            send(inProcess, "ferry.test", "local");
            assertThat(receive(inProcess, "ferry.test")).isEqualTo("local");
        }
    }

    @Test
    void aTakenPortIsReportedInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI address = URI.create("tcp://127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(() -> EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(address)))
                    .isInstanceOf(BindException.class)
                    .hasMessage("cannot listen on " + address + ": address already in use");
        }
        // Nothing of the failed attempt lingers: the same data starts a broker.
        EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(ANY_FREE_PORT)).close();
    }

    @Test
    void aSecondBrokerOnTheSameDataFailsInsteadOfWaiting() throws Exception {
        try (EmbeddedBroker first = startOnFreePort()) {
            assertThatThrownBy(this::startOnFreePort)
                    .isInstanceOf(IOException.class)
                    .hasMessage("broker data directory " + data.toAbsolutePath() + " is in use by another broker");
            send(endpoint(first), "ferry.test", "still fine");
        }
    }

    @Test
    void withCredentialsOnlyThatUserGetsIn() throws Exception {
        BrokerOptions options = BrokerOptions.defaults(data).withListen(ANY_FREE_PORT).withCredentials("app", "s3cret");
        try (EmbeddedBroker broker = EmbeddedBroker.start(options)) {
            BrokerEndpoint anonymous = new BrokerEndpoint(broker.connectUrl(), null, null);
            BrokerEndpoint wrongPassword = new BrokerEndpoint(broker.connectUrl(), "app", "guess");
            assertThatThrownBy(() -> anonymous.connect("test", 1).close()).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> wrongPassword.connect("test", 1).close()).isInstanceOf(JMSSecurityException.class);
            new BrokerEndpoint(broker.connectUrl(), "app", "s3cret").connect("test", 1).close();
        }
    }

    @Test
    void aMessageTheBrokerGivesUpOnGoesToTheQueuesOwnDeadLetterQueue() throws Exception {
        try (EmbeddedBroker broker = startOnFreePort()) {
            send(endpoint(broker), "ferry.test", "poison");
            rollBackOnceWithoutRedelivery(broker.connectUrl(), "ferry.test");
            String deadLetterQueue = WireFormat.deadLetterQueueOf("ferry.test");
            assertThat(deadLetterQueue).startsWith("DLQ.");
            assertThat(receive(endpoint(broker), deadLetterQueue)).isEqualTo("poison");
        }
    }

    @Test
    void optionsNeverShowThePassword() {
        assertThat(BrokerOptions.defaults(data).withCredentials("app", "s3cret").toString())
                .contains("app").doesNotContain("s3cret");
        assertThatThrownBy(() -> BrokerOptions.defaults(data).withCredentials("app", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private EmbeddedBroker startOnFreePort() throws IOException {
        return EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(ANY_FREE_PORT));
    }

    static BrokerEndpoint endpoint(EmbeddedBroker broker) {
        return new BrokerEndpoint(broker.connectUrl(), null, null);
    }

    static void send(BrokerEndpoint endpoint, String queue, String text) throws JMSException {
        Connection connection = endpoint.connect("test", 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(session.createTextMessage(text));
        } finally {
            connection.close();
        }
    }

    static String receive(BrokerEndpoint endpoint, String queue) throws JMSException {
        Connection connection = endpoint.connect("test", 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message message = session.createConsumer(session.createQueue(queue)).receive(10_000);
            assertThat(message).as("a message on " + queue).isInstanceOf(TextMessage.class);
            return ((TextMessage) message).getText();
        } finally {
            connection.close();
        }
    }

    /** A client that allows no redelivery: its rollback makes the broker dead-letter the message. */
    private static void rollBackOnceWithoutRedelivery(String url, String queue) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        RedeliveryPolicy noRedelivery = factory.getRedeliveryPolicy();
        noRedelivery.setMaximumRedeliveries(0);
        Connection connection = factory.createConnection();
        try {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            assertThat(session.createConsumer(session.createQueue(queue)).receive(10_000)).isNotNull();
            session.rollback();
        } finally {
            connection.close();
        }
    }
}
