package dev.ferry.wire;

import dev.ferry.wire.ChangeEvent.PutFile;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JMS mapping of events: a {@link BytesMessage} whose properties hold the version and the
 * event as JSON in ASCII ({@link WireText}), whose body holds the file bytes of a chunk, and whose {@code JMSXGroupID} keeps
 * the events of one top-level entry in order across competing consumers. A bundle is the same
 * with several whole small files of one group, their bodies one after the other.
 *
 * <p>A body may travel compressed ({@link BodyEncoding}, named by {@link WireFormat#ENCODING_PROPERTY}):
 * such a message is of {@link WireFormat#ENCODED_VERSION}, the events still declare the decoded
 * lengths. A message whose body is not compressed keeps the lowest version that carries it.
 */
public final class EventMessages {

    /** The {@code JMSType} of a bundle; a single event's is its kind. */
    public static final String BUNDLE_KIND = "Bundle";

    private EventMessages() {
    }

    /** A message for {@code event} carrying {@code length} body bytes from {@code body}, as they are. */
    public static BytesMessage encode(Session session, ChangeEvent event, byte[] body, int length)
            throws JMSException {
        return encode(session, event, EncodedBody.raw(body, length));
    }

    /** A message for {@code event} carrying {@code body}, whose decoded length is the event's. */
    public static BytesMessage encode(Session session, ChangeEvent event, EncodedBody body) throws JMSException {
        return compose(event, body).toMessage(session);
    }

    /** The message for {@code event} carrying {@code body}, as composed, before it is sealed and sent. */
    public static OutgoingMessage compose(ChangeEvent event, EncodedBody body) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(WireFormat.VERSION_PROPERTY, body.isEncoded()
                ? Math.max(WireFormat.ENCODED_VERSION, versionOf(event)) : versionOf(event));
        properties.put(WireFormat.EVENT_PROPERTY, EventCodec.toJson(event));
        if (body.isEncoded()) {
            properties.put(WireFormat.ENCODING_PROPERTY, body.encoding());
        }
        return new OutgoingMessage(properties, kindOf(event), null, event.groupPath().topLevel(), body.bytes(),
                body.length());
    }

    /** A message for an event without a body. */
    public static BytesMessage encode(Session session, ChangeEvent event) throws JMSException {
        return encode(session, event, null, 0);
    }

    /**
     * A message for several whole files of one group, {@code files}, whose bodies are the first
     * {@code length} bytes of {@code bodies}, in order.
     */
    public static BytesMessage encodeBundle(Session session, List<PutFile> files, byte[] bodies, int length)
            throws JMSException {
        return encodeBundle(session, files, EncodedBody.raw(bodies, length));
    }

    /**
     * A message for several whole files of one group, {@code files}, whose bodies, one after the
     * other, are {@code bodies} once decoded.
     */
    public static BytesMessage encodeBundle(Session session, List<PutFile> files, EncodedBody bodies)
            throws JMSException {
        return composeBundle(files, bodies).toMessage(session);
    }

    /** The message of {@link #encodeBundle}, as composed, before it is sealed and sent. */
    public static OutgoingMessage composeBundle(List<PutFile> files, EncodedBody bodies) {
        if (files.isEmpty() || files.size() > WireFormat.MAX_BUNDLE_FILES) {
            throw new IllegalArgumentException("a bundle holds 1 to " + WireFormat.MAX_BUNDLE_FILES
                    + " files, not " + files.size());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(WireFormat.VERSION_PROPERTY, bodies.isEncoded() ? WireFormat.ENCODED_VERSION
                : WireFormat.EVENT_VERSION);
        properties.put(WireFormat.BUNDLE_PROPERTY, EventCodec.bundleToJson(files));
        if (bodies.isEncoded()) {
            properties.put(WireFormat.ENCODING_PROPERTY, bodies.encoding());
        }
        return new OutgoingMessage(properties, BUNDLE_KIND, null, files.get(0).groupPath().topLevel(),
                bodies.bytes(), bodies.length());
    }

    /**
     * The events a message carries, in order (one, or the files of a bundle), checked against its
     * body.
     *
     * @throws WireFormatException when the message is not a Ferry message of a known version, or
     *                             its events are malformed or do not match its body
     */
    public static List<ChangeEvent> decode(Message message) throws WireFormatException, JMSException {
        Applicable applicable = decodeApplicable(message);
        if (applicable.rejected() != null) {
            throw new WireFormatException(applicable.rejected());
        }
        return applicable.events();
    }

    /**
     * What a consumer can apply of a message: its events, in order, and where each one's body
     * starts in the message body; and, for a bundle some of whose entries cannot be read, why not
     * (the message is dead-lettered with that reason, the files beside them applied all the same).
     *
     * @param bundle      whether the message is a bundle, whose body holds the bodies of its
     *                    files one after the other; else its one event's body is the whole body
     * @param events      the events that can be applied
     * @param bodyOffsets where each event's body starts in the message body, once decoded
     * @param rejected    why some entries cannot be applied, or {@code null} when all can
     * @param encoding    how the body is compressed ({@link BodyEncoding#decode}), or {@code null}
     *                    when it travels as it is
     * @param bodyLength  the length of the body once decoded, as the events declare it
     */
    public record Applicable(boolean bundle, List<ChangeEvent> events, List<Integer> bodyOffsets, String rejected,
                             String encoding, int bodyLength) {
        public Applicable {
            events = List.copyOf(events);
            bodyOffsets = List.copyOf(bodyOffsets);
        }

        /** Whether the body travels compressed. */
        public boolean isEncoded() {
            return encoding != null;
        }
    }

    /**
     * Like {@link #decode}, except that an entry of a bundle that cannot be read is left out and
     * named in {@link Applicable#rejected()}, as long as the bundle as a whole still says where each
     * body lies.
     *
     * @throws WireFormatException when nothing of the message can be trusted (see {@link #decode})
     */
    public static Applicable decodeApplicable(Message message) throws WireFormatException, JMSException {
        WireFormat.refuseSealed(message);
        int version = versionOf(message);
        if (message.propertyExists(WireFormat.CONTROL_PROPERTY)) {
            throw new WireFormatException("a repair message (" + WireText.escape(String.valueOf(
                    message.getObjectProperty(WireFormat.CONTROL_PROPERTY))) + "), not a change event");
        }
        if (!(message instanceof BytesMessage bytes)) {
            throw new WireFormatException("expected a BytesMessage, got " + message.getClass().getSimpleName());
        }
        String encoding = encodingOf(message, version);
        String bundle = message.getStringProperty(WireFormat.BUNDLE_PROPERTY);
        if (bundle == null) {
            ChangeEvent event = EventCodec.fromJson(envelopeText(version,
                    message.getStringProperty(WireFormat.EVENT_PROPERTY)));
            if (firstVersionWith(event) > version) {
                throw new WireFormatException("a " + kindOf(event) + " event needs wire version "
                        + firstVersionWith(event) + ", but came in a version " + version + " message");
            }
            long declared = bodyLength(event);
            if (encoding != null) {
                checkEncoded(bytes, encoding, declared, "the body of " + kindOf(event) + " " + event.path());
            } else if (bytes.getBodyLength() != declared) {
                throw new WireFormatException("body is " + bytes.getBodyLength() + " bytes but the event declares "
                        + declared + " for " + event.path());
            }
            return new Applicable(false, List.of(event), List.of(0), null, encoding, (int) declared);
        }
        if (message.propertyExists(WireFormat.EVENT_PROPERTY)) {
            throw new WireFormatException("a message carries both an event and a bundle");
        }
        Applicable applicable = checkedBundle(EventCodec.bundleEntriesFromJson(envelopeText(version, bundle)),
                encoding, bytes.getBodyLength());
        if (encoding != null) {
            checkEncoded(bytes, encoding, applicable.bodyLength(), "the body of a bundle of " + WireText.escape(
                    String.valueOf(message.getJMSMessageID())));
        }
        return applicable;
    }

    /**
     * The whole body of {@code message}, an event message, as its producer read it: decoded when it
     * travels compressed; the bodies of a bundle's files one after the other. Read from its start.
     * For tools and tests that look at what is on a queue; the consumer decodes lazily instead.
     *
     * @throws WireFormatException when the message cannot be read (see {@link #decodeApplicable})
     */
    public static byte[] decodedBody(Message message) throws WireFormatException, JMSException {
        Applicable applicable = decodeApplicable(message);
        BytesMessage bytes = (BytesMessage) message;
        if (applicable.isEncoded()) {
            return BodyEncoding.decode(bytes, applicable.encoding(), applicable.bodyLength(),
                    "the body of message " + WireText.escape(String.valueOf(message.getJMSMessageID())));
        }
        bytes.reset();
        byte[] body = new byte[applicable.bodyLength()];
        if (body.length > 0) {
            bytes.readBytes(body);
        }
        return body;
    }

    /**
     * How {@code message}'s body is compressed, or {@code null} when it travels as it is.
     *
     * @throws WireFormatException when the encoding is one this build does not read, or comes in
     *                             a message older than {@link WireFormat#ENCODED_VERSION}
     */
    private static String encodingOf(Message message, int version) throws WireFormatException, JMSException {
        if (!message.propertyExists(WireFormat.ENCODING_PROPERTY)) {
            return null;
        }
        Object encoding = message.getObjectProperty(WireFormat.ENCODING_PROPERTY);
        String shown = Printable.quote(WireText.escape(String.valueOf(encoding)));
        if (version < WireFormat.ENCODED_VERSION) {
            throw new WireFormatException("a wire version " + version + " message whose body is encoded by " + shown
                    + " (compressed bodies came with version " + WireFormat.ENCODED_VERSION + ")");
        }
        if (!(encoding instanceof String name) || !BodyEncoding.isKnown(name)) {
            throw new WireFormatException("a body encoded by " + shown + ", which this consumer does not read (it reads "
                    + BodyEncoding.ZSTD + "; upgrade the consumer)");
        }
        return name;
    }

    /**
     * Checks a compressed body against the decoded length its events declare, as far as that can
     * be done without inflating it: its size, and the size its frame's header declares.
     */
    private static void checkEncoded(BytesMessage bytes, String encoding, long declared, String what)
            throws WireFormatException, JMSException {
        if (declared <= 0 || declared > WireFormat.MAX_CHUNK_BYTES) {
            throw new WireFormatException(what + " is encoded by " + encoding + " but declares " + declared
                    + " bytes (1 to " + WireFormat.MAX_CHUNK_BYTES + ")");
        }
        long length = bytes.getBodyLength();
        if (length > BodyEncoding.MAX_ENCODED_BYTES) {
            throw new WireFormatException(what + " is " + length + " bytes compressed (at most "
                    + BodyEncoding.MAX_ENCODED_BYTES + ")");
        }
        BodyEncoding.checkHeader(bytes, declared, what);
    }

    /**
     * The lowest envelope version that carries {@code event}: {@link WireFormat#EVENT_VERSION}, so
     * that consumers of version 2 read it, unless it is an event version 3 added.
     */
    public static int versionOf(ChangeEvent event) {
        return Math.max(WireFormat.EVENT_VERSION, firstVersionWith(event));
    }

    /** The first envelope version that has {@code event}'s kind. */
    private static int firstVersionWith(ChangeEvent event) {
        if (event instanceof ChangeEvent.DeltaChunk || event instanceof ChangeEvent.PutDelta) {
            return 4;
        }
        return event instanceof ChangeEvent.PutAttributes ? 3 : WireFormat.OLDEST_VERSION;
    }

    /**
     * The envelope version of {@code message}, one this build reads.
     *
     * @throws WireFormatException when it has none (not a Ferry message) or one out of range, saying
     *                             which side to upgrade
     */
    static int versionOf(Message message) throws WireFormatException, JMSException {
        if (!message.propertyExists(WireFormat.VERSION_PROPERTY)) {
            throw new WireFormatException("not a Ferry message (no " + WireFormat.VERSION_PROPERTY
                    + " property)");
        }
        Object version = message.getObjectProperty(WireFormat.VERSION_PROPERTY);
        if (!(version instanceof Integer v) || v < WireFormat.OLDEST_VERSION || v > WireFormat.VERSION) {
            throw new WireFormatException("unsupported wire version " + version + " (this consumer reads "
                    + WireFormat.OLDEST_VERSION + " to " + WireFormat.VERSION
                    + (version instanceof Integer v && v > WireFormat.VERSION ? "; upgrade the consumer)" : ")"));
        }
        return v;
    }

    /**
     * The event JSON of a message of {@code version}, refused where it cannot be what its producer
     * wrote: not ASCII in version 2, which writes nothing else; holding U+FFFD in version 1, which
     * is what the broker's string coder leaves where it lost a character outside the Basic
     * Multilingual Plane, so applying it could write a file under a name its source never had.
     */
    private static String envelopeText(int version, String json) throws WireFormatException {
        if (json == null) {
            return null;
        }
        if (version >= 2 && !WireText.isAscii(json)) {
            throw new WireFormatException("the event JSON of a wire version " + version + " message is not ASCII, "
                    + "so something on the way changed what the producer wrote");
        }
        if (version == 1 && json.indexOf('\uFFFD') >= 0) {
            throw new WireFormatException("a wire version 1 message (from a producer older than this consumer) "
                    + "names a path or link target holding U+FFFD, which the broker puts where it lost a character outside "
                    + "Unicode's Basic Multilingual Plane: its true name is unknown; upgrade the producer and "
                    + "touch the path in the source to publish it again");
        }
        return json;
    }

    /**
     * The entries of a bundle whose body is {@code bodyLength} bytes as it travels, compressed by
     * {@code encoding} or ({@code null}) as it is: then it must be the sum of the entries' lengths.
     */
    private static Applicable checkedBundle(List<EventCodec.BundleEntry> entries, String encoding, long bodyLength)
            throws WireFormatException {
        if (entries.size() > WireFormat.MAX_BUNDLE_FILES) {
            throw new WireFormatException("a bundle of " + entries.size() + " files (at most "
                    + WireFormat.MAX_BUNDLE_FILES + ")");
        }
        if (encoding == null && bodyLength > WireFormat.MAX_CHUNK_BYTES) {
            throw new WireFormatException("a bundle body of " + bodyLength + " bytes (at most "
                    + WireFormat.MAX_CHUNK_BYTES + ")");
        }
        List<ChangeEvent> events = new ArrayList<>(entries.size());
        List<Integer> offsets = new ArrayList<>(entries.size());
        String rejected = null;
        long declared = 0;
        for (EventCodec.BundleEntry entry : entries) {
            String problem = entry.problem();
            if (entry.event() != null && (!(entry.event() instanceof PutFile file) || file.offset() != 0)) {
                problem = "a bundle may only hold whole files, not " + entry.event();
            }
            if (entry.declaredLength() < 0) {
                // Where the bodies after it start is unknown: nothing of the bundle can be trusted.
                throw new WireFormatException(problem != null ? problem : "a bundle entry declares no body length");
            }
            if (problem == null) {
                events.add(entry.event());
                offsets.add((int) declared);
            } else if (rejected == null) {
                rejected = problem;
            }
            declared += entry.declaredLength();
        }
        if (encoding != null && declared > WireFormat.MAX_CHUNK_BYTES) {
            throw new WireFormatException("a bundle of " + entries.size() + " files declares " + declared
                    + " bytes (at most " + WireFormat.MAX_CHUNK_BYTES + ")");
        }
        if (encoding == null && bodyLength != declared) {
            throw new WireFormatException("body is " + bodyLength + " bytes but the bundle of " + entries.size()
                    + " files declares " + declared);
        }
        return new Applicable(true, events, offsets, rejected, encoding, (int) declared);
    }

    static long bodyLength(ChangeEvent event) {
        if (event instanceof ChangeEvent.FileChunk chunk) {
            return chunk.length();
        }
        if (event instanceof ChangeEvent.PutFile file) {
            return file.length();
        }
        if (event instanceof ChangeEvent.DeltaChunk delta) {
            return delta.bodyLength();
        }
        if (event instanceof ChangeEvent.PutDelta delta) {
            return delta.bodyLength();
        }
        return 0;
    }

    private static String kindOf(ChangeEvent event) {
        return event.getClass().getSimpleName();
    }
}
