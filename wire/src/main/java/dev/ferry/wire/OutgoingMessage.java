package dev.ferry.wire;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.util.ByteSequence;

/**
 * A message as its sender composed it, before it becomes a JMS message: its Ferry properties, its
 * JMS type and correlation id, the name its group is derived from, and its body. Keeping it apart
 * from the JMS message lets one place decide how it travels ({@link dev.ferry.wire.seal.Seal}):
 * as it is, signed, or encrypted with only what the broker needs left outside.
 *
 * @param properties    the Ferry properties ({@code ferry...}), in the order they were set;
 *                      Integer, Long or String values
 * @param type          the {@code JMSType}
 * @param correlationId the {@code JMSCorrelationID}, or null
 * @param groupName     the top-level entry whose events must stay in order ({@code JMSXGroupID} is
 *                      derived from it), or null for a message of no group
 * @param body          the body bytes; only the first {@code length} count
 * @param length        how many bytes of {@code body} the message carries
 * @param bodyOwned     whether {@code body} is this message's alone, made for it and never written
 *                      again, so the JMS message may hold it as it is instead of a copy (a buffer the
 *                      sender reuses must be copied: the in-JVM transport hands the message over
 *                      without marshalling it)
 */
public record OutgoingMessage(Map<String, Object> properties, String type, String correlationId, String groupName,
                              byte[] body, int length, boolean bodyOwned) {

    public OutgoingMessage {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            Object value = property.getValue();
            if (!(value instanceof String || value instanceof Integer || value instanceof Long)) {
                throw new IllegalArgumentException("property " + property.getKey() + " is "
                        + (value == null ? "null" : value.getClass().getSimpleName()) + ", not text or a number");
            }
        }
        Objects.requireNonNull(type, "type");
        if (length < 0 || (length > 0 && (body == null || length > body.length))) {
            throw new IllegalArgumentException("a body of " + length + " bytes in a buffer of "
                    + (body == null ? "none" : body.length + " bytes"));
        }
    }

    /** A message whose body is a buffer its sender may write again (see {@link #bodyOwned}). */
    public OutgoingMessage(Map<String, Object> properties, String type, String correlationId, String groupName,
                           byte[] body, int length) {
        this(properties, type, correlationId, groupName, body, length, false);
    }

    /** This message with one more property, or another value for one it has. */
    public OutgoingMessage with(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(properties);
        more.put(name, value);
        return new OutgoingMessage(more, type, correlationId, groupName, body, length, bodyOwned);
    }

    /** The value of the property {@code name}, or null. */
    public Object property(String name) {
        return properties.get(name);
    }

    /** The {@code JMSXGroupID} of this message when it travels in clear, or null for none. */
    public String clearGroup() {
        return groupName == null ? null : WireFormat.groupOfTopLevel(groupName);
    }

    /** The JMS message that carries this one as it is, with {@code group} as its {@code JMSXGroupID} (null: none). */
    public BytesMessage toMessage(Session session, String group) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            message.setObjectProperty(property.getKey(), property.getValue());
        }
        if (group != null) {
            message.setStringProperty("JMSXGroupID", group);
        }
        message.setJMSType(type);
        if (correlationId != null) {
            message.setJMSCorrelationID(correlationId);
        }
        if (length > 0 && bodyOwned && message instanceof ActiveMQBytesMessage activemq) {
            // Held as it is: a 4 MiB chunk is not copied again (and again, as a growing buffer doubles).
            holdBody(activemq, new ByteSequence(body, 0, length));
        } else if (length > 0) {
            message.writeBytes(body, 0, length);
        }
        return message;
    }

    /** The JMS message that carries this one as it is, in clear. */
    public BytesMessage toMessage(Session session) throws JMSException {
        return toMessage(session, clearGroup());
    }

    /**
     * Makes {@code body} the body of {@code message} as it is. ActiveMQ starts a body buffer at the
     * first property set, and would store that (empty) buffer over the body at the next reset or
     * send; storing it first, then setting the body, leaves none. A property set afterwards copies
     * the body into a new buffer, which is correct, only slower.
     */
    public static void holdBody(ActiveMQBytesMessage message, ByteSequence body) {
        message.storeContent();
        message.setContent(body);
    }
}
