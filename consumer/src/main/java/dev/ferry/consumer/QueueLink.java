package dev.ferry.consumer;

import dev.ferry.wire.BrokerEndpoint;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.time.Clock;

/**
 * One live connection to the queue: a transacted session, its receiver and its dead-letter
 * channel. When the broker goes away the link is dropped whole and a new one is made.
 */
final class QueueLink implements AutoCloseable {

    private final Connection connection; // All four null in a link lost while it was being made.
    private final Session session;
    private final MessageConsumer receiver;
    private final DeadLetterChannel deadLetters;
    private volatile JMSException failure;

    private QueueLink(Connection connection, String queue, Clock clock) throws JMSException {
        this.connection = connection;
        // The listener hears of a lost transport even while nothing is being received.
        connection.setExceptionListener(e -> failure = e);
        this.session = connection.createSession(true, Session.SESSION_TRANSACTED);
        this.receiver = session.createConsumer(session.createQueue(queue));
        this.deadLetters = new DeadLetterChannel(session, queue, clock);
    }

    private QueueLink(JMSException failure) {
        this.connection = null;
        this.session = null;
        this.receiver = null;
        this.deadLetters = null;
        this.failure = failure;
    }

    /**
     * A link whose making failed because the broker went away after it had answered: every use
     * throws {@code failure}, as a link that broke later would, so the consumer takes the same
     * path to a new one.
     */
    static QueueLink lost(JMSException failure) {
        return new QueueLink(failure);
    }

    static QueueLink open(BrokerEndpoint endpoint, String queue, int prefetch, Clock clock) throws JMSException {
        Connection connection = endpoint.connect("consumer", prefetch);
        try {
            return new QueueLink(connection, queue, clock);
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The next message, or null after {@code timeoutMillis}; throws once the connection has failed. */
    Message receive(long timeoutMillis) throws JMSException {
        checkAlive();
        Message message = receiver.receive(timeoutMillis);
        if (message == null) {
            checkAlive();
        }
        return message;
    }

    void commit() throws JMSException {
        checkAlive();
        session.commit();
    }

    void rollback() throws JMSException {
        checkAlive();
        session.rollback();
    }

    DeadLetterChannel deadLetters() {
        return deadLetters;
    }

    private void checkAlive() throws JMSException {
        JMSException failed = failure;
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        try {
            connection.close(); // rolls back an open transaction
        } catch (JMSException | RuntimeException ignored) {
            // The link is being dropped, often because it already broke.
        }
    }
}
