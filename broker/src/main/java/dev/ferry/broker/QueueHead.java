package dev.ferry.broker;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.time.Instant;
import java.util.Enumeration;
import org.apache.activemq.ActiveMQConnection;

/**
 * The oldest message waiting on a queue, found by browsing its head: nothing is consumed, and
 * only the first message travels (the browser's prefetch is one), however big the bodies.
 */
public final class QueueHead {

    private QueueHead() {
    }

    /**
     * When the first message on {@code queue} was sent (its {@code JMSTimestamp}, the sender's
     * clock), or {@code null} when the queue is empty.
     *
     * @throws jakarta.jms.JMSSecurityException when the connection's user may not browse the queue
     */
    public static Instant oldest(Connection connection, String queue) throws JMSException {
        if (connection instanceof ActiveMQConnection activemq) {
            // The default would push 500 messages, up to 4 MiB each, to look at one.
            activemq.getPrefetchPolicy().setQueueBrowserPrefetch(1);
        }
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            Enumeration<?> messages = browser.getEnumeration();
            if (!messages.hasMoreElements()) {
                return null;
            }
            long sent = ((Message) messages.nextElement()).getJMSTimestamp();
            return sent > 0 ? Instant.ofEpochMilli(sent) : null;
        } finally {
            session.close();
        }
    }
}
