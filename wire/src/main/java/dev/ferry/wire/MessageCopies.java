package dev.ferry.wire;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.Collections;
import java.util.function.Predicate;

/**
 * Copies of received messages, for moving them between the queue and its dead-letter queue: a
 * received message's properties are read-only, so a changed one must be a new message.
 */
public final class MessageCopies {

    private MessageCopies() {
    }

    /**
     * A new message with the body, JMS type, correlation id and the properties {@code keep} accepts (provider
     * properties, {@code JMSX...}, are never copied), or {@code null} when the body is of a kind
     * that cannot be copied without deserializing it (map, stream and object messages).
     */
    public static Message copy(Session session, Message original, Predicate<String> keep) throws JMSException {
        Message copy = bodyCopy(session, original);
        if (copy == null) {
            return null;
        }
        copyProperties(original, copy, keep);
        copy.setJMSType(original.getJMSType());
        copy.setJMSCorrelationID(original.getJMSCorrelationID()); // a repair's id, which its signature covers
        return copy;
    }

    /** Copies the properties {@code keep} accepts, never the provider's {@code JMSX...} ones. */
    public static void copyProperties(Message from, Message to, Predicate<String> keep) throws JMSException {
        for (Object name : Collections.list(from.getPropertyNames())) {
            String key = (String) name;
            if (!key.startsWith("JMSX") && keep.test(key)) {
                to.setObjectProperty(key, from.getObjectProperty(key));
            }
        }
    }

    /** The kind of a body {@link #copy} cannot copy, or null when it can. */
    public static String uncopyableBodyKind(Message message) {
        if (message instanceof MapMessage) {
            return "MapMessage";
        }
        if (message instanceof StreamMessage) {
            return "StreamMessage";
        }
        if (message instanceof ObjectMessage) {
            return "ObjectMessage";
        }
        return null;
    }

    private static Message bodyCopy(Session session, Message original) throws JMSException {
        if (original instanceof BytesMessage bytes) {
            BytesMessage copy = session.createBytesMessage();
            bytes.reset();
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = bytes.readBytes(buffer)) > 0) {
                copy.writeBytes(buffer, 0, read);
            }
            return copy;
        }
        if (original instanceof TextMessage text) {
            return session.createTextMessage(text.getText());
        }
        if (uncopyableBodyKind(original) != null) {
            return null; // An object body would have to be deserialized, which Ferry never does.
        }
        return session.createMessage();
    }
}
