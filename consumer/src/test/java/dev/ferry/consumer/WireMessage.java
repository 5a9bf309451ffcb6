package dev.ferry.consumer;

import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQTextMessage;

/**
 * A message as it might arrive on the queue, well-formed or not: what the generators of the
 * property tests produce, built into a JMS message only when it is delivered.
 *
 * @param version the {@link WireFormat#VERSION_PROPERTY} value (an Integer, or any other property
 *                type to test the check), or null for none
 * @param event   the {@link WireFormat#EVENT_PROPERTY} text, or null for none
 * @param body    the body bytes
 * @param text    whether it arrives as a TextMessage instead of a BytesMessage
 */
record WireMessage(Object version, String event, byte[] body, boolean text) {

    static WireMessage of(String event, byte[] body) {
        return new WireMessage(WireFormat.VERSION, event, body, false);
    }

    /** The message as a consumer receives it: properties set, body readable from the start. */
    Message received() throws JMSException {
        if (text) {
            ActiveMQTextMessage message = new ActiveMQTextMessage();
            message.setText(new String(body, StandardCharsets.UTF_8));
            setProperties(message);
            return message;
        }
        ActiveMQBytesMessage message = new ActiveMQBytesMessage();
        message.writeBytes(body);
        setProperties(message);
        message.reset();
        return message;
    }

    /** The message to send through a broker. */
    Message toSend(Session session) throws JMSException {
        Message message;
        if (text) {
            message = session.createTextMessage(new String(body, StandardCharsets.UTF_8));
        } else {
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(body);
            message = bytes;
        }
        setProperties(message);
        return message;
    }

    private void setProperties(Message message) throws JMSException {
        if (version != null) {
            message.setObjectProperty(WireFormat.VERSION_PROPERTY, version);
        }
        if (event != null) {
            message.setStringProperty(WireFormat.EVENT_PROPERTY, event);
        }
    }

    /** Short enough to read in a shrunk counterexample, and printable (see {@link PrintableFailures}). */
    @Override
    public String toString() {
        String shownVersion = version == null ? "none" : version + " (" + version.getClass().getSimpleName() + ")";
        String shownEvent = event == null ? "none" : PrintableFailures.escape(event);
        return (text ? "TextMessage" : "BytesMessage") + "[version=" + shownVersion + ", event=" + shownEvent
                + ", body=" + body.length + " bytes]";
    }
}
