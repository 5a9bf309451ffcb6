package dev.ferry.wire.seal;

import dev.ferry.wire.OutgoingMessage;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireText;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQMessage;

/**
 * Encrypts a composed message whole and opens it again. The encrypted message keeps outside only
 * what the broker and a mirror's loss detection need: the version ({@link WireFormat#SEALED_VERSION}),
 * the key's id, the stream and its number; its {@code JMSType} is {@value #TYPE} whatever it
 * carries, and its group is the keyed one ({@link EncryptionKey#groupOf}). Inside, encrypted and
 * authenticated, are every other property (the event or bundle JSON, with its paths), the correlation
 * id and the body.
 *
 * <p>AES-256-GCM from the JDK, with a random 96-bit nonce per message: NIST's bound for random nonces
 * is 2^32 messages per key, some 136 years at 1,000 messages a second. The associated data is the
 * stream's queue name and what stays outside, so a message cannot be moved to another stream, or
 * renumbered in its own, without failing to open.
 */
final class MessageCipher {

    /** The {@code JMSType} of every encrypted message. */
    static final String TYPE = "Sealed";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte FORMAT = 1;
    private static final byte[] DOMAIN = "ferry sealed message 1\0".getBytes(StandardCharsets.US_ASCII);

    private final EncryptionKey key;
    private final String queue;
    private final SecureRandom random = new SecureRandom();

    MessageCipher(EncryptionKey key, String queue) {
        this.key = key;
        this.queue = queue;
    }

    /** {@code inner}, encrypted: the message to send instead, whose group is already chosen. */
    OutgoingMessage seal(OutgoingMessage inner) {
        byte[] plain = plaintext(inner);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Map<String, Object> outside = new LinkedHashMap<>();
        outside.put(WireFormat.VERSION_PROPERTY, WireFormat.SEALED_VERSION);
        outside.put(WireFormat.SEALED_PROPERTY, key.id());
        copy(inner.properties()::get, outside, WireFormat.STREAM_PROPERTY);
        copy(inner.properties()::get, outside, WireFormat.STREAM_SEQ_PROPERTY);
        byte[] body;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.cipherKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated(outside.get(WireFormat.STREAM_PROPERTY), outside.get(WireFormat.STREAM_SEQ_PROPERTY)));
            body = new byte[NONCE_BYTES + cipher.getOutputSize(plain.length)];
            System.arraycopy(nonce, 0, body, 0, NONCE_BYTES);
            cipher.doFinal(plain, 0, plain.length, body, NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encrypting with AES-256-GCM", e);
        }
        return new OutgoingMessage(outside, TYPE, null, null, body, body.length);
    }

    /** The keyed group of {@code inner}, or null when it has none. */
    String groupOf(OutgoingMessage inner) {
        return inner.groupName() == null ? null : key.groupOf(inner.groupName());
    }

    /**
     * The message {@code sealed} carries, as its producer composed it, with the JMS headers of
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
        if (!(sealed instanceof BytesMessage bytes) || bytes.getBodyLength() < NONCE_BYTES + TAG_BITS / 8
                || bytes.getBodyLength() > Integer.MAX_VALUE - 64) {
            throw new SealException("an encrypted message too short to hold a nonce and a tag");
        }
        byte[] body = new byte[(int) bytes.getBodyLength()];
        bytes.reset();
        bytes.readBytes(body);
        bytes.reset();
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.cipherKey(), new GCMParameterSpec(TAG_BITS, body, 0, NONCE_BYTES));
            cipher.updateAAD(associated(sealed.getObjectProperty(WireFormat.STREAM_PROPERTY),
                    sealed.getObjectProperty(WireFormat.STREAM_SEQ_PROPERTY)));
            plain = cipher.doFinal(body, NONCE_BYTES, body.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealException("encrypted with key " + key.id() + ", but it does not decrypt: altered on the way, "
                    + "moved from another stream, or renumbered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decrypting with AES-256-GCM", e);
        }
        return opened(plain, sealed);
    }

    /** {@code text} encrypted, in base64: for what must travel beside a message, a dead-letter reason say. */
    String sealText(String text) {
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.cipherKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(textAssociated());
            byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plain.length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            cipher.doFinal(plain, 0, plain.length, sealed, NONCE_BYTES);
            return java.util.Base64.getEncoder().encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encrypting with AES-256-GCM", e);
        }
    }

    /** The text {@link #sealText} encrypted, or null when it is not that, or under another key. */
    String openText(String base64) {
        try {
            byte[] sealed = java.util.Base64.getDecoder().decode(base64);
            if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
                return null;
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.cipherKey(), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(textAssociated());
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decrypting with AES-256-GCM", e);
        }
    }

    private byte[] textAssociated() {
        return ("ferry sealed text 1\0" + queue + "\0" + key.id()).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] associated(Object stream, Object seq) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(DOMAIN);
            longText(out, queue);
            longText(out, key.id());
            longText(out, stream instanceof String s ? s : null);
            out.writeLong(seq instanceof Long l ? l : -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory
        }
        return bytes.toByteArray();
    }

    private static void copy(java.util.function.Function<String, Object> from, Map<String, Object> to, String name) {
        Object value = from.apply(name);
        if (value != null) {
            to.put(name, value);
        }
    }

    /** The plaintext: format, type, correlation id, properties, body. */
    private static byte[] plaintext(OutgoingMessage inner) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(inner.length() + 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            longText(out, inner.type());
            longText(out, inner.correlationId());
            out.writeInt(inner.properties().size());
            for (Map.Entry<String, Object> property : inner.properties().entrySet()) {
                longText(out, property.getKey());
                Object value = property.getValue();
                if (value instanceof Integer i) {
                    out.writeByte('I');
                    out.writeInt(i);
                } else if (value instanceof Long l) {
                    out.writeByte('J');
                    out.writeLong(l);
                } else {
                    out.writeByte('S');
                    longText(out, (String) value);
                }
            }
            out.writeInt(inner.length());
            out.write(inner.body() == null ? new byte[0] : inner.body(), 0, inner.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory
        }
        return bytes.toByteArray();
    }

    private static Message opened(byte[] plain, Message sealed) throws SealException, JMSException {
        ActiveMQBytesMessage message = new ActiveMQBytesMessage();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(plain))) {
            if (in.readByte() != FORMAT) {
                throw new SealException("an encrypted message in a format this side does not read; upgrade it");
            }
            message.setJMSType(readLongText(in));
            message.setJMSCorrelationID(readLongText(in));
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = readLongText(in);
                int tag = in.readByte();
                Object value = switch (tag) {
                    case 'I' -> in.readInt();
                    case 'J' -> in.readLong();
                    case 'S' -> readLongText(in);
                    default -> throw new SealException("an encrypted message with a property of unknown type " + tag);
                };
                if (!isOutside(name)) {
                    message.setObjectProperty(name, value);
                }
            }
            int length = in.readInt();
            if (length < 0 || length != in.available()) {
                throw new SealException("an encrypted message whose body is not as long as it says");
            }
            message.writeBytes(plain, plain.length - length, length);
        } catch (EOFException e) {
            throw new SealException("an encrypted message cut short inside");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory
        }
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
        message.reset(); // read-only, read from its start, as a received message is
        return message;
    }

    private static boolean isOutside(String name) {
        return name.equals(WireFormat.STREAM_PROPERTY) || name.equals(WireFormat.STREAM_SEQ_PROPERTY);
    }

    private static void longText(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readLongText(DataInputStream in) throws IOException, SealException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new SealException("an encrypted message cut short inside");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
