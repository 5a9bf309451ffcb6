package dev.ferry.wire;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;

/**
 * The JMS mapping of an event: a {@link BytesMessage} whose properties hold the version and the
 * event as JSON, whose body holds the file bytes of a chunk, and whose {@code JMSXGroupID} keeps
 * the events of one top-level entry in order across competing consumers.
 */
public final class EventMessages {

    private EventMessages() {
    }

    /** A message for {@code event} carrying {@code length} body bytes from {@code body}. */
    public static BytesMessage encode(Session session, ChangeEvent event, byte[] body, int length)
            throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.setIntProperty(WireFormat.VERSION_PROPERTY, WireFormat.VERSION);
        message.setStringProperty(WireFormat.EVENT_PROPERTY, EventCodec.toJson(event));
        message.setStringProperty("JMSXGroupID", WireFormat.groupOf(event));
        message.setJMSType(kindOf(event));
        if (length > 0) {
            message.writeBytes(body, 0, length);
        }
        return message;
    }

    /** A message for an event without a body. */
    public static BytesMessage encode(Session session, ChangeEvent event) throws JMSException {
        return encode(session, event, null, 0);
    }

    /**
     * The event a message carries, checked against its body.
     *
     * @throws WireFormatException when the message is not a Ferry message of a known version, or
     *                             its event is malformed or does not match its body
     */
    public static ChangeEvent decode(Message message) throws WireFormatException, JMSException {
        if (!message.propertyExists(WireFormat.VERSION_PROPERTY)) {
            throw new WireFormatException("not a Ferry message (no " + WireFormat.VERSION_PROPERTY
                    + " property)");
        }
        Object version = message.getObjectProperty(WireFormat.VERSION_PROPERTY);
        if (!(version instanceof Integer v) || v != WireFormat.VERSION) {
            throw new WireFormatException("unsupported wire version " + version + " (this consumer reads "
                    + WireFormat.VERSION + "; upgrade the consumer)");
        }
        if (!(message instanceof BytesMessage bytes)) {
            throw new WireFormatException("expected a BytesMessage, got " + message.getClass().getSimpleName());
        }
        ChangeEvent event = EventCodec.fromJson(message.getStringProperty(WireFormat.EVENT_PROPERTY));
        long declared = bodyLength(event);
        if (bytes.getBodyLength() != declared) {
            throw new WireFormatException("body is " + bytes.getBodyLength() + " bytes but the event declares "
                    + declared + " for " + event.path());
        }
        return event;
    }

    static long bodyLength(ChangeEvent event) {
        if (event instanceof ChangeEvent.FileChunk chunk) {
            return chunk.length();
        }
        if (event instanceof ChangeEvent.PutFile file) {
            return file.length();
        }
        return 0;
    }

    private static String kindOf(ChangeEvent event) {
        return event.getClass().getSimpleName();
    }
}
