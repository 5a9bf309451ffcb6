package dev.ferry.wire.seal;

import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.util.ByteSequence;

/**
 * What a signature covers: a SHA-256 digest of the stream's queue name, every property a consumer
 * acts on, the correlation id and the body, in one unambiguous encoding (each part tagged and
 * length-prefixed). The queue name binds a message to its stream, so one producer's key serving two
 * streams cannot have a message of one applied to the mirrors of the other. Properties outside
 * {@link #SIGNED} (the broker's, the dead-letter queue's) may change on the way; nothing is
 * decided by them.
 *
 * <p>Ed25519 then signs the 32-byte digest, not the body: the JDK's Ed25519 holds the whole input
 * in memory to hash it twice, and a digest keeps a 4 MiB chunk from being copied for that.
 */
final class SignedContent {

    /** The properties a signature covers, in this order; the signature itself is not one of them. */
    static final List<String> SIGNED = List.of(
            WireFormat.VERSION_PROPERTY, WireFormat.EVENT_PROPERTY, WireFormat.BUNDLE_PROPERTY,
            WireFormat.ENCODING_PROPERTY, WireFormat.CONTROL_PROPERTY, WireFormat.STREAM_PROPERTY,
            WireFormat.STREAM_SEQ_PROPERTY, WireFormat.SEALED_PROPERTY, WireFormat.SIGNER_PROPERTY);

    private static final byte[] DOMAIN = "ferry signed message 1\0".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest digest;

    private SignedContent(String queue) {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        digest.update(DOMAIN);
        text(queue);
    }

    /** The digest of a message about to be sent. */
    static byte[] of(String queue, PropertySource properties, String correlationId, byte[] body, int length) {
        SignedContent content = new SignedContent(queue);
        content.properties(properties);
        content.text(correlationId);
        content.number(length);
        content.digest.update(body == null ? new byte[0] : body, 0, length);
        return content.digest.digest();
    }

    /** The digest of a received message; its body is read through and left at its start. */
    static byte[] of(String queue, Message message) throws JMSException {
        SignedContent content = new SignedContent(queue);
        content.properties(name -> message.propertyExists(name) ? message.getObjectProperty(name) : null);
        content.text(message.getJMSCorrelationID());
        if (message instanceof ActiveMQBytesMessage received && !received.isCompressed()
                && received.getContent() != null) {
            ByteSequence body = received.getContent(); // where the message holds it: no copy
            content.number(body.getLength());
            content.digest.update(body.getData(), body.getOffset(), body.getLength());
        } else if (message instanceof BytesMessage bytes) {
            bytes.reset();
            content.number(bytes.getBodyLength());
            byte[] buffer = new byte[(int) Math.min(1 << 16, Math.max(1, bytes.getBodyLength()))];
            int read;
            while ((read = bytes.readBytes(buffer)) > 0) {
                content.digest.update(buffer, 0, read);
            }
            bytes.reset();
        } else {
            content.number(-1); // no signed message has another body; this one's signature will not hold
        }
        return content.digest.digest();
    }

    /** Where the properties' values come from. */
    interface PropertySource {
        Object get(String name) throws JMSException;
    }

    private void properties(PropertySource properties) {
        for (String name : SIGNED) {
            Object value;
            try {
                value = properties.get(name);
            } catch (JMSException e) {
                value = e; // tagged apart from any value a signer could have set
            }
            text(name);
            if (value == null) {
                digest.update((byte) 0);
            } else if (value instanceof String s) {
                digest.update((byte) 'S');
                text(s);
            } else if (value instanceof Integer i) {
                digest.update((byte) 'I');
                number(i);
            } else if (value instanceof Long l) {
                digest.update((byte) 'J');
                number(l);
            } else {
                digest.update((byte) '?'); // a type no signer writes: whatever follows cannot match
                text(value.getClass().getName() + ":" + value);
            }
        }
    }

    private void text(String value) {
        if (value == null) {
            number(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        number(bytes.length);
        digest.update(bytes);
    }

    private void number(long value) {
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(value).array());
    }
}
