package dev.ferry.wire.seal;

import dev.ferry.wire.OutgoingMessage;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireText;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.util.ByteSequence;

/**
 * Encrypts a composed message whole ({@link Aead}, {@link InnerMessage}) and opens it again. The
 * encrypted message keeps outside only what the broker and a mirror's loss detection need: the
 * version ({@link WireFormat#SEALED_VERSION}), the key's id, the stream and its number; its
 * {@code JMSType} is {@value #TYPE} whatever it carries, and its group is the keyed one
 * ({@link EncryptionKey#groupOf}). Inside are every other property (the event or bundle JSON, with
 * its paths), the correlation id and the body.
 *
 * <p>The associated data is the stream's queue name and what stays outside, so a message cannot be
 * moved to another stream, or renumbered in its own, without failing to open.
 */
final class MessageCipher {

    /** The {@code JMSType} of every encrypted message. */
    static final String TYPE = "Sealed";

    private static final byte[] MESSAGE_DOMAIN = "ferry sealed message 1\0".getBytes(StandardCharsets.US_ASCII);

    private final EncryptionKey key;
    private final String queue;
    private final Aead aead;

    MessageCipher(EncryptionKey key, String queue) {
        this.key = key;
        this.queue = queue;
        this.aead = new Aead(key.cipherKey());
    }

    /** {@code inner}, encrypted: the message to send instead, whose group is {@link #groupOf}. */
    OutgoingMessage seal(OutgoingMessage inner) {
        Map<String, Object> outside = new LinkedHashMap<>();
        outside.put(WireFormat.VERSION_PROPERTY, WireFormat.SEALED_VERSION);
        outside.put(WireFormat.SEALED_PROPERTY, key.id());
        Object stream = inner.property(WireFormat.STREAM_PROPERTY);
        Object seq = inner.property(WireFormat.STREAM_SEQ_PROPERTY);
        if (stream != null) {
            outside.put(WireFormat.STREAM_PROPERTY, stream);
        }
        if (seq != null) {
            outside.put(WireFormat.STREAM_SEQ_PROPERTY, seq);
        }
        byte[] body = aead.seal(InnerMessage.header(inner), inner.body(), 0, inner.length(), associated(stream, seq));
        return new OutgoingMessage(outside, TYPE, null, null, body, body.length, true);
    }

    /** The keyed group of {@code inner}, or null when it has none. */
    String groupOf(OutgoingMessage inner) {
        return inner.groupName() == null ? null : key.groupOf(inner.groupName());
    }

    /**
     * The message {@code sealed} carries, as its sender composed it, with the JMS headers of
     * {@code sealed} (id, destination, reply-to, redelivery).
     *
     * @throws SealException when it is encrypted with another key, or does not decrypt (altered,
     *                       moved to another stream, or renumbered)
     */
    Message open(Message sealed) throws SealException, JMSException {
        Object version = sealed.getObjectProperty(WireFormat.VERSION_PROPERTY);
        Object id = sealed.getObjectProperty(WireFormat.SEALED_PROPERTY);
        if (!Integer.valueOf(WireFormat.SEALED_VERSION).equals(version)) {
            throw new SealException("an encrypted message of wire version " + WireText.escape(String.valueOf(version))
                    + " (encrypted messages are of version " + WireFormat.SEALED_VERSION + ")");
        }
        if (!key.id().equals(id)) {
            throw new SealException("encrypted with key " + WireText.escape(String.valueOf(id))
                    + ", and this side's --encrypt-key is key " + key.id());
        }
        ByteSequence body = ciphertextOf(sealed);
        byte[] plain = aead.open(body.getData(), body.getOffset(), body.getLength(), associated(
                sealed.getObjectProperty(WireFormat.STREAM_PROPERTY), sealed.getObjectProperty(WireFormat.STREAM_SEQ_PROPERTY)));
        if (plain == null) {
            throw new SealException("encrypted with key " + key.id() + ", but it does not decrypt: altered on the way, "
                    + "moved from another stream, or renumbered");
        }
        InnerMessage.Decoded inside = InnerMessage.decode(plain);
        ActiveMQBytesMessage message = inside.message();
        // What stays outside is authenticated as the associated data: the outside copy is the one to trust.
        for (String name : new String[]{WireFormat.STREAM_PROPERTY, WireFormat.STREAM_SEQ_PROPERTY}) {
            if (sealed.propertyExists(name)) {
                message.setObjectProperty(name, sealed.getObjectProperty(name));
            }
        }
        message.setJMSMessageID(sealed.getJMSMessageID());
        message.setJMSDestination(sealed.getJMSDestination());
        message.setJMSReplyTo(sealed.getJMSReplyTo());
        message.setJMSRedelivered(sealed.getJMSRedelivered());
        if (sealed instanceof ActiveMQMessage received) {
            message.setRedeliveryCounter(received.getRedeliveryCounter()); // JMSXDeliveryCount, which retries count by
        }
        OutgoingMessage.holdBody(message, inside.body()); // after the last property
        message.reset(); // read-only, read from its start, as a received message is
        return message;
    }

    /**
     * {@code text} encrypted, in base64, for what travels beside a message; {@code purpose} (what it
     * is, and of which message) is its associated data, so it cannot be moved to another place.
     */
    String sealText(String text, String purpose) {
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(aead.seal(plain, null, 0, 0, textAssociated(purpose)));
    }

    /** The text {@link #sealText} encrypted for {@code purpose}, or null when it does not open so. */
    String openText(String base64, String purpose) {
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] plain = aead.open(sealed, 0, sealed.length, textAssociated(purpose));
        return plain == null ? null : new String(plain, StandardCharsets.UTF_8);
    }

    /**
     * The body of {@code sealed} where the received message holds it, without a copy; read out only
     * when the provider compressed it or is not ActiveMQ.
     */
    private static ByteSequence ciphertextOf(Message sealed) throws SealException, JMSException {
        if (sealed instanceof ActiveMQBytesMessage received && !received.isCompressed() && received.getContent() != null) {
            return received.getContent();
        }
        if (!(sealed instanceof BytesMessage bytes) || bytes.getBodyLength() > Integer.MAX_VALUE - 64) {
            throw new SealException("an encrypted message whose body is not bytes of a sane length");
        }
        byte[] body = new byte[(int) bytes.getBodyLength()];
        bytes.reset();
        bytes.readBytes(body);
        bytes.reset();
        return new ByteSequence(body);
    }

    private byte[] textAssociated(String purpose) {
        return ("ferry sealed text 1\0" + queue + "\0" + key.id() + "\0" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] associated(Object stream, Object seq) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MESSAGE_DOMAIN);
            out.writeUTF(queue);
            out.writeUTF(key.id());
            out.writeBoolean(stream instanceof String);
            out.writeUTF(stream instanceof String s ? s : "");
            out.writeLong(seq instanceof Long l ? l : -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory
        }
        return bytes.toByteArray();
    }
}
