package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.DestinationStatistics;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.MessageCopies;
import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The test's own view of the broker, beside Ferry's: it puts messages on a queue the way any
 * (possibly hostile) client could, and looks at what a queue holds without consuming it.
 */
final class QueueClient implements AutoCloseable {

    /** The queue of mirror default of the default stream: what a consumer without --mirror applies. */
    static final String DEFAULT_MIRROR_QUEUE = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR,
            WireFormat.DEFAULT_QUEUE);

    private static final long STATISTICS_TIMEOUT_MILLIS = 10_000;
    private static final long BROWSE_POLL_MILLIS = 200;

    private final Connection connection;
    private final Session session;

    private QueueClient(Connection connection) throws JMSException {
        this.connection = connection;
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    static QueueClient connect(String brokerUrl) throws JMSException {
        return connect(brokerUrl, null, null);
    }

    /** A client logged in as {@code user}: it may do what that user's role may. */
    static QueueClient connect(String brokerUrl, String user, String password) throws JMSException {
        Connection connection = new BrokerEndpoint(brokerUrl, user, password).connect("e2e-test", 1);
        try {
            return new QueueClient(connection);
        } catch (JMSException e) {
            connection.close();
            throw e;
        }
    }

    Session session() {
        return session;
    }

    /** The message Ferry's producer would send for {@code event}, not yet sent, so a test can spoil it first. */
    BytesMessage encode(ChangeEvent event, byte[] body) throws JMSException {
        return EventMessages.encode(session, event, body, body.length);
    }

    /** A message carrying {@code events} as the producer would: one event, or a bundle of whole files. */
    BytesMessage encode(List<ChangeEvent> events, byte[] body) throws JMSException {
        if (events.size() == 1) {
            return encode(events.get(0), body);
        }
        List<ChangeEvent.PutFile> files = events.stream().map(ChangeEvent.PutFile.class::cast).toList();
        return EventMessages.encodeBundle(session, files, body, body.length);
    }

    /**
     * Sends {@code message} persistently to {@code queue}: a mirror's queue, or the queue of a stream
     * as a producer of before mirrors did.
     */
    void send(String queue, Message message) throws JMSException {
        try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(message);
        }
    }

    /**
     * Publishes {@code message} persistently on the topic of the stream {@code queue}, as the producer
     * does: the broker copies it to the queue of every mirror that exists.
     */
    void publish(String queue, Message message) throws JMSException {
        try (MessageProducer producer = session.createProducer(session.createTopic(WireFormat.changeTopicOf(queue)))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(message);
        }
    }

    /** What the broker's statistics plugin says of {@code queue}; null when it is not there (asking makes nothing). */
    DestinationStatistics.Counts statistics(String queue, Duration timeout) throws JMSException, IOException {
        return DestinationStatistics.ask(connection, "the test's broker", List.of(queue), timeout).get(queue);
    }

    /** What {@code queue} holds right now, oldest first, without consuming anything. */
    List<Message> browse(String queue) throws JMSException {
        List<Message> messages = new ArrayList<>();
        try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            Enumeration<?> enumeration = browser.getEnumeration();
            while (enumeration.hasMoreElements()) {
                messages.add((Message) enumeration.nextElement());
            }
        }
        return messages;
    }

    /**
     * What {@code queue} holds once it satisfies {@code condition}, browsed again and again, bounded
     * by {@code timeout}; fails with the logs of the {@code running} processes if it never does, or
     * at once if one of them exits.
     */
    List<Message> awaitBrowse(String queue, String what, Predicate<List<Message>> condition, Duration timeout,
                              FerryProcess... running) throws JMSException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Message> messages = browse(queue);
            if (condition.test(messages)) {
                return messages;
            }
            StringBuilder tails = new StringBuilder();
            boolean exited = false;
            for (FerryProcess process : running) {
                tails.append(process.logTail());
                exited |= !process.isAlive();
            }
            if (exited || System.nanoTime() > deadline) {
                return fail("%s never held %s within %s (it holds %d messages)%s%n%s", queue, what, timeout,
                        messages.size(), exited ? "; a process exited" : "", tails);
            }
            try {
                Thread.sleep(BROWSE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted while waiting for %s to hold %s", queue, what);
            }
        }
    }

    /**
     * A copy of {@code received}, a message some queue held, to send elsewhere as it is or spoiled
     * first: its body, JMS type, correlation id, every property and its group ({@code JMSXGroupID}),
     * which is all a replaying attacker has to keep.
     */
    BytesMessage copyOf(Message received) throws JMSException {
        BytesMessage copy = (BytesMessage) MessageCopies.copy(session, received, property -> true);
        copy.setJMSCorrelationID(received.getJMSCorrelationID());
        String group = received.getStringProperty("JMSXGroupID");
        if (group != null) {
            copy.setStringProperty("JMSXGroupID", group);
        }
        return copy;
    }

    /**
     * How many messages {@code queue} has received since the broker started (its enqueue count), as
     * the broker's statistics plugin says: what a test counts a producer's sends to a mirror by,
     * while that mirror's own consumer takes them.
     */
    long enqueued(String queue) throws JMSException, IOException {
        DestinationStatistics.Counts counts = statistics(queue, Duration.ofMillis(STATISTICS_TIMEOUT_MILLIS));
        if (counts == null) {
            throw new IllegalStateException("queue " + queue + " is not on the broker");
        }
        return counts.enqueued();
    }

    /**
     * How many bytes the messages {@code queue} received since the broker started add up to, as the
     * broker counts them (headers and body as marshalled): its average message size times its enqueue
     * count. The broker rounds the average down, so this is low by less than a byte per message.
     * What a test measures the cost of a change on the wire by, without trusting Ferry's own count.
     */
    long bytesEnqueued(String queue) throws JMSException, IOException {
        DestinationStatistics.Counts counts = statistics(queue, Duration.ofMillis(STATISTICS_TIMEOUT_MILLIS));
        if (counts == null) {
            throw new IllegalStateException("queue " + queue + " is not on the broker");
        }
        return counts.averageMessageSize() * counts.enqueued();
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
