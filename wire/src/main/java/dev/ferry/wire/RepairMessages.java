package dev.ferry.wire;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The JMS mapping of {@link RepairMessage}s: a {@link BytesMessage} of wire version 3 whose
 * {@link WireFormat#CONTROL_PROPERTY} names its kind (also its {@code JMSType}), whose
 * {@code JMSCorrelationID} is the repair's id, and whose body is the message as JSON in ASCII,
 * compressed with gzip ({@link WireFormat#ENCODING_PROPERTY} {@code gzip}) when it is longer than
 * {@value #COMPRESS_ABOVE} bytes. The sender of a request or entries sets {@code JMSReplyTo} to its
 * mirror's queue.
 *
 * <p>Bounds, so that a hostile message cannot exhaust the reader's memory: a body of at most
 * {@link #MAX_BODY_BYTES} as received, at most {@link #MAX_JSON_BYTES} of JSON once inflated, read
 * as a stream and refused at the first byte past either, and the counts of
 * {@link RepairMessage#MAX_DIRECTORIES} and {@link RepairMessage#MAX_ENTRIES}, refused as soon as
 * they are passed: what one message can make the reader hold is those records, some 60 MB.
 *
 * <p>A consumer that reads versions 1 and 2 only dead-letters a repair message it meets on its
 * queue with the reason "unsupported wire version 3 (this consumer reads 1 to 2; upgrade the
 * consumer)"; it receives one only when a newer consumer of the same mirror asked for a repair.
 * A consumer of this version tells repair messages from events by {@link #isRepairMessage}, and
 * {@link EventMessages#decode} refuses them.
 */
public final class RepairMessages {

    /** The longest body a repair message may have as it travels, compressed or not. */
    public static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    /** The longest JSON a repair message may hold once inflated: a listing of 250,000 entries takes some 35 MB. */
    public static final int MAX_JSON_BYTES = 64 * 1024 * 1024;

    /** Bodies longer than this are compressed. */
    public static final int COMPRESS_ABOVE = 1024;

    /** The value of {@link WireFormat#ENCODING_PROPERTY} for a compressed body. */
    public static final String GZIP = "gzip";

    private RepairMessages() {
    }

    /**
     * A message for {@code repair}.
     *
     * @throws IllegalArgumentException when it is longer than the bounds allow: a mirror with that
     *                                  much to describe sends part of it (see {@link RepairMessage#MAX_ENTRIES})
     */
    public static BytesMessage encode(Session session, RepairMessage repair) throws JMSException {
        return compose(repair).toMessage(session);
    }

    /**
     * The message for {@code repair}, as composed, before it is sealed and sent.
     *
     * @throws IllegalArgumentException as {@link #encode} does
     */
    public static OutgoingMessage compose(RepairMessage repair) {
        String kind = kindOf(repair);
        byte[] json = RepairCodec.toJson(repair);
        if (json.length > MAX_JSON_BYTES) {
            throw new IllegalArgumentException("a " + kind + " of " + json.length + " bytes of JSON (at most "
                    + MAX_JSON_BYTES + ")");
        }
        boolean compressed = json.length > COMPRESS_ABOVE;
        byte[] body = compressed ? gzip(json) : json;
        if (body.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("a " + kind + " of " + body.length + " bytes compressed (at most "
                    + MAX_BODY_BYTES + ")");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(WireFormat.VERSION_PROPERTY, WireFormat.REPAIR_VERSION);
        properties.put(WireFormat.CONTROL_PROPERTY, kind);
        if (compressed) {
            properties.put(WireFormat.ENCODING_PROPERTY, GZIP);
        }
        return new OutgoingMessage(properties, kind, repair.id(), null, body, body.length, true);
    }

    /** Whether {@code message} is a repair message (of any version), and so no change event. */
    public static boolean isRepairMessage(Message message) throws JMSException {
        return message.propertyExists(WireFormat.CONTROL_PROPERTY);
    }

    /**
     * The repair message {@code message} carries, checked against its envelope.
     *
     * @throws WireFormatException when it is not a repair message of a version this side reads,
     *                             or is malformed, out of bounds or hostile; the reason says which
     */
    public static RepairMessage decode(Message message) throws WireFormatException, JMSException {
        WireFormat.refuseSealed(message);
        Object version = message.getObjectProperty(WireFormat.VERSION_PROPERTY);
        Object kind = message.getObjectProperty(WireFormat.CONTROL_PROPERTY);
        if (!(kind instanceof String name)) {
            throw new WireFormatException(kind == null ? "not a repair message (no " + WireFormat.CONTROL_PROPERTY
                    + " property)" : "a repair message whose kind is not text");
        }
        if (!(version instanceof Integer v) || v < WireFormat.REPAIR_VERSION || v > WireFormat.VERSION) {
            // Version 3 is the first with repair messages; later versions change nothing of them.
            boolean newer = version instanceof Integer v && v > WireFormat.VERSION;
            throw new WireFormatException("a repair message of unsupported wire version " + version
                    + " (this side reads " + WireFormat.REPAIR_VERSION + " to " + WireFormat.VERSION
                    + (newer ? "; upgrade it)" : ")"));
        }
        if (!(message instanceof BytesMessage bytes)) {
            throw new WireFormatException("expected a BytesMessage, got " + message.getClass().getSimpleName());
        }
        if (bytes.getBodyLength() > MAX_BODY_BYTES) {
            throw new WireFormatException("a " + WireText.escape(name) + " of " + bytes.getBodyLength()
                    + " bytes (at most " + MAX_BODY_BYTES + ")");
        }
        RepairMessage repair = RepairCodec.fromJson(name, json(bytes, name), MAX_JSON_BYTES);
        String correlation = message.getJMSCorrelationID();
        if (!repair.id().equals(correlation)) {
            throw new WireFormatException("a " + name + " of repair " + repair.id() + " whose JMSCorrelationID is "
                    + (correlation == null ? "missing" : Printable.quote(WireText.escape(correlation))));
        }
        return repair;
    }

    /**
     * The name of the queue {@code message} asks to be answered on (its {@code JMSReplyTo}), or null
     * when it names none or a topic.
     */
    public static String replyQueue(Message message) throws JMSException {
        Destination replyTo = message.getJMSReplyTo();
        return replyTo instanceof Queue queue ? queue.getQueueName() : null;
    }

    /**
     * Checks that the reply queue {@code message} names inside ({@link WireFormat#REPLY_TO_PROPERTY})
     * is its {@code JMSReplyTo}: on an encrypted stream the header is the broker's to change, the
     * property is not.
     *
     * @throws WireFormatException when they differ, or the property is missing
     */
    public static void checkReplyQueue(Message message) throws WireFormatException, JMSException {
        Object named = message.getObjectProperty(WireFormat.REPLY_TO_PROPERTY);
        String replyTo = replyQueue(message);
        if (named == null || !named.equals(replyTo)) {
            throw new WireFormatException("it asks inside for answers on " + (named == null ? "no queue"
                    : WireText.escape(String.valueOf(named))) + ", but its JMSReplyTo is "
                    + (replyTo == null ? "missing" : WireText.escape(replyTo)) + ": redirected on the way");
        }
    }

    /**
     * The kind of {@code repair} as it travels: {@code RepairRequest}, {@code RepairDescribe},
     * {@code RepairEntries} or {@code RepairDone}.
     */
    public static String kindOf(RepairMessage repair) {
        return repair.getClass().getSimpleName();
    }

    private static InputStream json(BytesMessage message, String kind) throws WireFormatException, JMSException {
        String encoding = message.getStringProperty(WireFormat.ENCODING_PROPERTY);
        InputStream body = new BodyStream(message);
        if (encoding == null) {
            return body;
        }
        if (!encoding.equals(GZIP)) {
            throw new WireFormatException("a " + WireText.escape(kind) + " in an unknown encoding: "
                    + WireText.escape(encoding));
        }
        try {
            return new GZIPInputStream(body);
        } catch (IOException e) {
            throw new WireFormatException("a " + WireText.escape(kind) + " whose body is not gzip: " + e.getMessage());
        }
    }

    private static byte[] gzip(byte[] json) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(json.length / 3 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(compressed, 1 << 16)) {
            out.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // Writing to memory does not fail.
        }
        return compressed.toByteArray();
    }

    /** A message's body as a stream, read where the message holds it, without a copy. */
    private static final class BodyStream extends InputStream {
        private final BytesMessage message;

        BodyStream(BytesMessage message) {
            this.message = message;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            try {
                if (offset == 0) {
                    return message.readBytes(buffer, length);
                }
                byte[] part = new byte[length];
                int n = message.readBytes(part, length);
                if (n > 0) {
                    System.arraycopy(part, 0, buffer, offset, n);
                }
                return n;
            } catch (JMSException e) {
                throw new IOException("cannot read the message body: " + e.getMessage(), e);
            }
        }
    }
}
