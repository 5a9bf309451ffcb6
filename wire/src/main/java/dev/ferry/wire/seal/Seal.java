package dev.ferry.wire.seal;

import dev.ferry.wire.OutgoingMessage;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireText;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a side's messages travel, and what it accepts: the one place both sides seal what they send
 * and open what they receive, so the producer, the consumer and the tools agree.
 *
 * <p>Sending: a composed message is encrypted whole when there is an encryption key (the stream's
 * {@link EncryptionKey}), then signed when there is a signing key (a producer's
 * {@link SigningKey}): encrypt then sign, so a signature is checked before anything is decrypted,
 * and a consumer tells a forgery from a key it lacks.
 *
 * <p>Receiving: when keys are trusted, a message must be signed by one of them, over what it carries
 * as it arrived; when there is an encryption key, a message must be encrypted with it, and is
 * opened; a side without one refuses an encrypted message, saying so. A side with neither takes
 * messages as they come, signed or not: that is Ferry before this, and the choice of who runs it.
 */
public final class Seal {

    private static final Logger log = LoggerFactory.getLogger(Seal.class);

    private final String queue;
    private final SigningKey signer;
    private final TrustedKeys trusted;
    private final MessageCipher cipher;
    private final EncryptionKey encryption;
    private volatile boolean warnedUnchecked;

    private Seal(String queue, SigningKey signer, TrustedKeys trusted, EncryptionKey encryption) {
        this.queue = queue;
        this.signer = signer;
        this.trusted = trusted;
        this.encryption = encryption;
        this.cipher = encryption == null ? null : new MessageCipher(encryption, queue);
    }

    /** Messages of the stream {@code queue} as they are, unsigned and in clear, and any accepted. */
    public static Seal none(String queue) {
        return new Seal(queue, null, TrustedKeys.NONE, null);
    }

    /**
     * The seal of the stream {@code queue}.
     *
     * @param signer     signs what this side sends, or null
     * @param trusted    the keys a message received must be signed by; {@link TrustedKeys#NONE}: any
     * @param encryption encrypts what this side sends and opens what it receives, or null
     */
    public static Seal of(String queue, SigningKey signer, TrustedKeys trusted, EncryptionKey encryption) {
        return new Seal(queue, signer, trusted, encryption);
    }

    /** Whether this side encrypts. */
    public boolean encrypts() {
        return cipher != null;
    }

    /** The JMS message that carries {@code message}, sealed as this side seals. */
    public BytesMessage write(Session session, OutgoingMessage message) throws JMSException {
        OutgoingMessage sent = message;
        String group = message.clearGroup();
        if (cipher != null) {
            sent = cipher.seal(message);
            group = cipher.groupOf(message);
        }
        if (signer != null) {
            sent = sent.with(WireFormat.SIGNER_PROPERTY, signer.id());
            byte[] digest = SignedContent.of(queue, sent.properties()::get, sent.correlationId(), sent.body(),
                    sent.length());
            sent = sent.with(WireFormat.SIGNATURE_PROPERTY, Base64.getEncoder().encodeToString(signer.sign(digest)));
        }
        return sent.toMessage(session, group);
    }

    /**
     * {@code received} as its sender composed it: checked against the keys this side trusts, and
     * decrypted when encrypted. The same message when it travels in clear.
     *
     * @throws SealException why it cannot be trusted or opened; nothing of it may be applied
     */
    public Message open(Message received) throws SealException, JMSException {
        if (!trusted.isEmpty()) {
            checkSignature(received);
        } else if (!warnedUnchecked && received.propertyExists(WireFormat.SIGNER_PROPERTY)) {
            warnedUnchecked = true; // once: every message of such a stream would say it again
            log.warn("messages of {} are signed (key {}), but this side checks no signature: give it the producer's "
                    + "public key with --trust-producer, or anyone who may send to its queue can change the mirror",
                    queue, WireText.escape(String.valueOf(received.getObjectProperty(WireFormat.SIGNER_PROPERTY))));
        }
        boolean sealed = received.propertyExists(WireFormat.SEALED_PROPERTY);
        if (cipher == null) {
            if (sealed) {
                throw new SealException(WireFormat.sealedWithoutKey(received));
            }
            return received;
        }
        if (!sealed) {
            throw new SealException("not encrypted, and this side takes only messages encrypted with its "
                    + "--encrypt-key (key " + encryption.id() + ")");
        }
        return cipher.open(received);
    }

    /**
     * What {@code received} shows: opened when it is encrypted with this side's key, else as it is;
     * nothing checked. For tools that list what is on a queue ({@code ferry dlq list}).
     */
    public Message peek(Message received) throws JMSException {
        if (cipher != null && received.propertyExists(WireFormat.SEALED_PROPERTY)) {
            try {
                return cipher.open(received);
            } catch (SealException e) {
                return received;
            }
        }
        return received;
    }

    /**
     * What encrypted text beside a message starts with: {@value}. A relative path never starts
     * with '/', nor does a reason Ferry writes, so no clear text is taken for encrypted.
     */
    public static final String SEALED_TEXT = "/sealed:";

    /** What the last path in a process's heartbeat is sealed for ({@link #protect}). */
    public static final String HEARTBEAT_PATH = "heartbeat path";

    /**
     * {@code text}, which may name paths, as it may travel beside a message (a dead-letter reason, a
     * heartbeat's last path): encrypted when this side encrypts ({@value #SEALED_TEXT} and base64),
     * for {@code purpose} (what it is, and of which message, which {@link #reveal} must name alike),
     * else as it is.
     */
    public String protect(String text, String purpose) {
        return cipher == null || text == null ? text : SEALED_TEXT + cipher.sealText(text, purpose);
    }

    /**
     * {@code text} as {@link #protect} had it for {@code purpose}: decrypted when this side has the
     * key, else {@code "(encrypted)"}; text that was not encrypted, as it is.
     */
    public String reveal(String text, String purpose) {
        if (text == null || !text.startsWith(SEALED_TEXT)) {
            return text;
        }
        String clear = cipher == null ? null : cipher.openText(text.substring(SEALED_TEXT.length()), purpose);
        return clear == null ? "(encrypted)" : clear;
    }

    /**
     * The {@code JMSXGroupID} of the events under {@code topLevel} as this side sends them: keyed when
     * it encrypts, else in clear.
     */
    public String groupOf(String topLevel) {
        return cipher == null ? WireFormat.groupOfTopLevel(topLevel) : encryption.groupOf(topLevel);
    }

    private void checkSignature(Message received) throws SealException, JMSException {
        Object signerId = received.getObjectProperty(WireFormat.SIGNER_PROPERTY);
        Object signature = received.getObjectProperty(WireFormat.SIGNATURE_PROPERTY);
        if (signerId == null || signature == null) {
            throw new SealException("not signed, and this side applies only messages signed by a producer it trusts ("
                    + trusted.describe() + ")");
        }
        TrustedKey key = trusted.find(String.valueOf(signerId));
        if (key == null) {
            throw new SealException("signed by key " + WireText.escape(String.valueOf(signerId))
                    + ", which this side does not trust (it trusts " + trusted.describe() + ")");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(String.valueOf(signature));
        } catch (IllegalArgumentException e) {
            throw new SealException("signed by key " + key.id() + ", but its signature is not base64");
        }
        if (!key.verifies(SignedContent.of(queue, received), bytes)) {
            throw new SealException("signed by key " + key.id() + ", but the signature does not match what it carries: "
                    + "altered after it was signed, or moved from another stream");
        }
    }
}
