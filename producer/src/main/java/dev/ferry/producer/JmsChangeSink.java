package dev.ferry.producer;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;

/**
 * The {@link ChangeSink} on a real broker: persistent messages on one queue, sent in a transacted
 * session so a batch becomes visible to consumers whole, and only once the broker has stored it.
 */
public final class JmsChangeSink implements ChangeSink {

    private final BrokerEndpoint endpoint;
    private final String queue;
    private final Connection connection;
    private final Session session;
    private final MessageProducer producer;

    private JmsChangeSink(BrokerEndpoint endpoint, String queue, Connection connection, Session session,
                          MessageProducer producer) {
        this.endpoint = endpoint;
        this.queue = queue;
        this.connection = connection;
        this.session = session;
        this.producer = producer;
    }

    /** Connects to the broker at {@code endpoint} and prepares to send on {@code queue}. */
    public static JmsChangeSink open(BrokerEndpoint endpoint, String queue) throws JMSException {
        Connection connection = endpoint.connect("producer", 1);
        try {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            return new JmsChangeSink(endpoint, queue, connection, session, producer);
        } catch (JMSException | RuntimeException e) {
            try {
                connection.close();
            } catch (JMSException ignored) {
                // The original failure is the one worth reporting.
            }
            throw e;
        }
    }

    @Override
    public void send(ChangeEvent event, byte[] body, int length) throws IOException {
        try {
            producer.send(EventMessages.encode(session, event, body, length));
        } catch (JMSException e) {
            throw failure("sending " + event.getClass().getSimpleName() + " of " + event.path(), e);
        }
    }

    @Override
    public void commit() throws IOException {
        try {
            session.commit();
        } catch (JMSException e) {
            throw failure("committing", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            connection.close();
        } catch (JMSException e) {
            throw failure("closing the connection", e);
        }
    }

    private IOException failure(String doing, JMSException e) {
        return new IOException("broker " + endpoint + ", queue " + queue + ": " + doing + " failed: "
                + describe(e), e);
    }

    private static String describe(JMSException e) {
        Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e.getCause();
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += " (" + cause.getMessage() + ")";
        }
        return message;
    }
}
