package dev.ferry.producer;

import dev.ferry.producer.repair.RefusedAnswerException;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.BrokerFailures;
import dev.ferry.wire.ConnectionLoss;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.ChangeEvent.PutFile;
import dev.ferry.wire.DestinationStatistics;
import dev.ferry.wire.EncodedBody;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.OutgoingMessage;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireFormatException;
import dev.ferry.wire.seal.Seal;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link ChangeSink} on a real broker: persistent messages on the stream's topic
 * ({@link WireFormat#changeTopicOf}), which the broker copies to the queue of every mirror, sent in
 * a transacted session so a batch becomes visible to consumers whole, and only once the broker has
 * stored it in every mirror's queue. The queues of the mirrors it keeps are made before anything is
 * sent ({@link MirrorQueues}), on every connection, but for those marked as needing a repair
 * ({@link MirrorMarks}).
 *
 * <p>Every failure of the broker is taken for a lost broker, to be waited out, except a refusal
 * that no waiting would change (no permission, an invalid queue). The connection's exception
 * listener hears of a lost transport even between sends.
 *
 * <p>It also carries repairs: it reads the stream's control queue ({@link ControlQueueReader}) and
 * sends answers to one mirror's queue in the same transaction as the stream's messages, so they
 * reach that mirror in the order they were committed. Whether that queue exists it asks the
 * broker's statistics plugin ({@link DestinationStatistics}), on the same connection: a question
 * that creates nothing, answered at once whether the queue is there or not.
 *
 * <p>Bodies travel compressed where that pays ({@link BodyCompression}); repair messages keep
 * their own gzip ({@link RepairMessages}).
 */
public final class JmsChangeSink implements ChangeSink {

    /** How long the statistics plugin may take to say whether a mirror's queue exists. */
    private static final Duration STATISTICS_TIMEOUT = Duration.ofSeconds(5);

    private final BrokerEndpoint endpoint;
    private final String queue;
    private final List<String> mirrors;
    private final MirrorMarks marks;
    private volatile Link link; // Replaced whole by reconnect().
    private volatile boolean closed;
    private final SmallFileBundle bundle = new SmallFileBundle();
    private final BodyCompression compression = new BodyCompression();
    /** Body bytes of the messages handed to the broker on the stream's topic, as they travel. */
    private long wireBytes;
    /** Where the bundle goes: the mirror whose queue, or null for the stream's topic. */
    private String bundleMirror;
    private StreamSequence stream;
    private final ControlQueueReader control;
    private final Seal seal;

    private JmsChangeSink(BrokerEndpoint endpoint, String queue, List<String> mirrors, MirrorMarks marks,
                          ControlQueueReader control, Link link, Seal seal) {
        this.endpoint = endpoint;
        this.seal = seal;
        this.queue = queue;
        this.mirrors = mirrors;
        this.marks = marks;
        this.control = control;
        this.link = link;
    }

    /**
     * Connects to the broker at {@code endpoint}, makes the queues of {@code mirrors} and prepares
     * to publish the stream {@code queue}. A broker that answered and went away before the
     * connection was ready makes a sink whose first use reports it unavailable, as a broker lost
     * later would.
     *
     * @throws JMSException when the broker never answered, or refused the login, the topic or a
     *                      mirror's queue
     */
    public static JmsChangeSink open(BrokerEndpoint endpoint, String queue, List<String> mirrors) throws JMSException {
        return open(endpoint, queue, mirrors, MirrorMarks.inMemory(), Seal.none(queue));
    }

    /**
     * {@link #open(BrokerEndpoint, String, List)}, leaving out of {@code mirrors} those marked as
     * needing a repair in {@code marks}, on this connection and every later one, and sealing every
     * message with {@code seal} (signed, encrypted, or as it is).
     */
    public static JmsChangeSink open(BrokerEndpoint endpoint, String queue, List<String> mirrors, MirrorMarks marks,
                                     Seal seal) throws JMSException {
        List<String> kept = List.copyOf(mirrors);
        ControlQueueReader control = new ControlQueueReader();
        Link first;
        try {
            first = Link.open(endpoint, queue, marks.unmarked(kept), control);
        } catch (JMSException e) {
            if (!BrokerFailures.isLostAtStart(e)) {
                throw e;
            }
            first = Link.lost(e);
        }
        return new JmsChangeSink(endpoint, queue, kept, marks, control, first, seal);
    }

    /**
     * {@link #open(BrokerEndpoint, String, List)} with its first link on {@code connection}, which the
     * caller made (a test holds it to time the broker's loss); later links are made to {@code endpoint}.
     */
    static JmsChangeSink open(Connection connection, BrokerEndpoint endpoint, String queue, List<String> mirrors)
            throws JMSException {
        ControlQueueReader control = new ControlQueueReader();
        Link first = Link.open(connection, queue, mirrors, control);
        return new JmsChangeSink(endpoint, queue, List.copyOf(mirrors), MirrorMarks.inMemory(), control, first,
                Seal.none(queue));
    }

    @Override
    public void useStream(StreamSequence sequence) {
        this.stream = sequence;
    }

    /**
     * Sends {@code event} in the open transaction. A small whole file may wait in a bundle until
     * the next send that cannot join it or the commit; a failure to send it surfaces there.
     */
    @Override
    public void send(ChangeEvent event, byte[] body, int length) throws IOException {
        sendEvent(null, event, body, length);
    }

    /** Like {@link #send}, to {@code mirror}'s queue: small whole files travel in bundles there too. */
    @Override
    public void sendToMirror(String mirror, ChangeEvent event, byte[] body, int length) throws IOException {
        sendEvent(mirror, event, body, length);
    }

    @Override
    public void sendToMirror(String mirror, RepairMessage message) throws IOException {
        sendBundle();
        Link current = link;
        try {
            current.checkAlive();
            deliver(current, mirror, RepairMessages.compose(message));
        } catch (JMSException | RuntimeException e) {
            throw failure("sending " + RepairMessages.kindOf(message) + " of repair " + message.id() + " to mirror "
                    + mirror, current.loss.explain(e));
        }
    }

    /** Sends {@code event} to the topic ({@code mirror} null) or to {@code mirror}'s queue. */
    private void sendEvent(String mirror, ChangeEvent event, byte[] body, int length) throws IOException {
        if (SmallFileBundle.admits(event)) {
            PutFile file = (PutFile) event;
            if (!Objects.equals(mirror, bundleMirror) || !bundle.hasRoomFor(file)) {
                sendBundle();
            }
            bundleMirror = mirror;
            bundle.add(file, body, length);
            return;
        }
        sendBundle();
        Link current = link;
        try {
            current.checkAlive();
            EncodedBody encoded = compression.forEvent(event, body, length);
            deliver(current, mirror, EventMessages.compose(event, encoded));
        } catch (JMSException | RuntimeException e) {
            throw failure("sending " + event.getClass().getSimpleName() + " of " + event.path()
                    + (mirror == null ? "" : " to mirror " + mirror), current.loss.explain(e));
        }
    }

    private void sendBundle() throws IOException {
        if (bundle.isEmpty()) {
            return;
        }
        List<PutFile> files = bundle.files();
        Link current = link;
        try {
            current.checkAlive();
            EncodedBody encoded = compression.forBundle(bundle.bodies(), bundle.length());
            deliver(current, bundleMirror, files.size() == 1
                    ? EventMessages.compose(files.get(0), encoded)
                    : EventMessages.composeBundle(files, encoded));
        } catch (JMSException | RuntimeException e) {
            throw failure("sending " + files.size() + " files (" + files.get(0).path() + ", ...)", current.loss.explain(e));
        } finally {
            bundle.clear(); // sent, or lost with the transaction
        }
    }

    /**
     * Sends {@code composed}, sealed ({@link Seal}), on the stream's topic, numbered, or
     * ({@code mirror} not null) to that mirror's queue as it is.
     *
     * @throws RefusedAnswerException when the broker refuses the producer the mirror's queue
     */
    private void deliver(Link current, String mirror, OutgoingMessage composed) throws JMSException, IOException {
        if (mirror == null) {
            current.producer.send(seal.write(current.session, numbered(composed)));
            wireBytes += composed.length();
            return;
        }
        Message message = seal.write(current.session, composed);
        MessageProducer toMirror;
        try {
            toMirror = current.mirrorProducer(mirror, queue);
        } catch (JMSException e) {
            if (BrokerFailures.isRefusal(e)) {
                throw new RefusedAnswerException("broker " + endpoint + " refuses this producer the queue "
                        + WireFormat.mirrorQueueOf(mirror, queue) + ": " + describe(e), e);
            }
            throw e;
        }
        toMirror.send(message);
    }

    /**
     * Whether {@code mirror}'s queue is on the broker, from one statistics query.
     *
     * @throws RefusedAnswerException when the broker refuses the query, or nothing answers it
     *         within 5 s (no statistics plugin)
     */
    @Override
    public boolean exists(String mirror) throws IOException {
        String mirrorQueue = WireFormat.mirrorQueueOf(mirror, queue);
        Link current = link;
        try {
            current.checkAlive();
            return DestinationStatistics.ask(current.connection, endpoint.url(), List.of(mirrorQueue),
                    STATISTICS_TIMEOUT).containsKey(mirrorQueue);
        } catch (JMSException e) {
            if (BrokerFailures.isRefusal(e)) {
                throw new RefusedAnswerException("broker " + endpoint + " refuses this producer the statistics query "
                        + "that tells whether " + mirrorQueue + " exists: " + describe(e), e);
            }
            throw failure("asking whether " + mirrorQueue + " exists", e);
        } catch (RuntimeException e) {
            throw failure("asking whether " + mirrorQueue + " exists", current.loss.explain(e));
        } catch (IOException unanswered) {
            checkConnected(); // A broker lost while it was asked is waited for, not taken for one without the plugin.
            throw new RefusedAnswerException("cannot tell whether " + mirrorQueue + " exists: "
                    + unanswered.getMessage(), unanswered);
        }
    }

    @Override
    public Message nextControl() throws IOException {
        Link current = link;
        try {
            current.checkAlive();
            return current.control == null ? null : current.control.receiveNoWait();
        } catch (JMSException | RuntimeException e) {
            throw failure("reading " + WireFormat.controlQueueOf(queue), current.loss.explain(e));
        }
    }

    @Override
    public Message open(Message message) throws WireFormatException, JMSException {
        Message opened = seal.open(message);
        if (seal.encrypts()) {
            RepairMessages.checkReplyQueue(opened); // the header outside is the broker's to change
        }
        return opened;
    }

    @Override
    public void acknowledgeControl(Message message) throws IOException {
        Link current = link;
        try {
            current.checkAlive();
            message.acknowledge();
        } catch (JMSException | RuntimeException e) {
            throw failure("acknowledging a message of " + WireFormat.controlQueueOf(queue), current.loss.explain(e));
        }
    }

    @Override
    public void onControlMessage(Runnable wake) {
        control.onMessage(wake);
    }

    /** {@code message} with its place in the stream; taken only once it is about to be sent. */
    private OutgoingMessage numbered(OutgoingMessage message) {
        if (stream == null) {
            throw new IllegalStateException("the sink of topic " + WireFormat.changeTopicOf(queue) + " has no stream");
        }
        return message.with(WireFormat.STREAM_PROPERTY, stream.id()).with(WireFormat.STREAM_SEQ_PROPERTY, stream.next());
    }

    /**
     * Body bytes of the messages sent on the stream's topic since the sink was opened, as they
     * travel: compressed where they were, committed or not (a repair's messages to one mirror are
     * not counted, as they are not published).
     */
    @Override
    public long wireBytes() {
        return wireBytes;
    }

    @Override
    public void commit() throws IOException {
        sendBundle();
        Link current = link;
        try {
            current.checkAlive();
            current.session.commit();
        } catch (JMSException | RuntimeException e) {
            // Including TransactionRolledBackException: a failover connection reconnected meanwhile.
            throw failure("committing", current.loss.explain(e));
        }
    }

    @Override
    public void checkConnected() throws BrokerUnavailableException {
        JMSException failure = link.loss.lost();
        if (failure != null) {
            throw unavailable(failure);
        }
    }

    @Override
    public void reconnect() throws IOException {
        ensureOpen("reconnecting");
        link.close();
        bundle.clear(); // its transaction is gone
        Link fresh;
        try {
            fresh = Link.open(endpoint, queue, marks.unmarked(mirrors), control);
        } catch (JMSException e) {
            throw unavailable(e);
        }
        synchronized (this) {
            if (!closed) {
                link = fresh;
                return;
            }
        }
        fresh.close(); // close() ran meanwhile and must not leave this one open.
        ensureOpen("reconnecting");
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        link.close();
    }

    private void ensureOpen(String doing) throws IOException {
        if (closed) {
            throw new IOException(named(doing) + " failed: the sink is closed");
        }
    }

    private IOException failure(String doing, JMSException e) {
        if (closed || BrokerFailures.isRefusal(e)) {
            return new IOException(named(doing) + " failed: " + describe(e), e);
        }
        return unavailable(e);
    }

    private BrokerUnavailableException unavailable(JMSException e) {
        return new BrokerUnavailableException(endpoint.toString(), describe(e), e);
    }

    private String named(String doing) {
        return "broker " + endpoint + ", topic " + WireFormat.changeTopicOf(queue) + ": " + doing;
    }

    private static String describe(JMSException e) {
        Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e.getCause();
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += " (" + cause.getMessage() + ")";
        }
        return message;
    }

    /**
     * One connection with its transacted session and producer, dropped whole when the broker goes
     * away; the mirrors' queues are made before the producer. It also reads the control queue, and
     * sends repairs' answers to mirrors' queues in the same transaction as the stream's messages.
     */
    private static final class Link {

        final Connection connection; // All four null in a link lost while it was being made.
        final Session session;
        final MessageProducer producer;
        final MessageConsumer control; // Also null when the broker refuses it.
        final Map<String, MessageProducer> toMirrors = new HashMap<>();
        final ConnectionLoss loss;

        private Link(Connection connection, ConnectionLoss loss, String queue, List<String> mirrors,
                     ControlQueueReader reader) throws JMSException {
            this.connection = connection;
            this.loss = loss;
            connection.setExceptionListener(loss);
            MirrorQueues.ensure(connection, queue, mirrors);
            this.session = connection.createSession(true, Session.SESSION_TRANSACTED);
            this.producer = session.createProducer(session.createTopic(WireFormat.changeTopicOf(queue)));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            this.control = reader.open(connection, queue);
        }

        private Link(JMSException failure) {
            this.connection = null;
            this.session = null;
            this.producer = null;
            this.control = null;
            this.loss = ConnectionLoss.of(failure);
        }

        /**
         * The producer of {@code mirror}'s queue, made the first time: the broker checks then,
         * and at once, whether this producer may write it.
         */
        MessageProducer mirrorProducer(String mirror, String queue) throws JMSException {
            MessageProducer toMirror = toMirrors.get(mirror);
            if (toMirror == null) {
                toMirror = session.createProducer(session.createQueue(WireFormat.mirrorQueueOf(mirror, queue)));
                toMirror.setDeliveryMode(DeliveryMode.PERSISTENT);
                toMirrors.put(mirror, toMirror);
            }
            return toMirror;
        }

        /** A link the broker broke while it was being made: every use throws {@code failure}. */
        static Link lost(JMSException failure) {
            return new Link(failure);
        }

        static Link open(BrokerEndpoint endpoint, String queue, List<String> mirrors, ControlQueueReader control)
                throws JMSException {
            return open(endpoint.connect("producer", 1), queue, mirrors, control);
        }

        /** A link on {@code connection}, which is closed if the link cannot be made. */
        static Link open(Connection connection, String queue, List<String> mirrors, ControlQueueReader control)
                throws JMSException {
            ConnectionLoss loss = new ConnectionLoss();
            try {
                return new Link(connection, loss, queue, mirrors, control);
            } catch (JMSException | RuntimeException e) {
                try {
                    connection.close();
                } catch (JMSException | RuntimeException ignored) {
                    // The original failure is the one worth reporting.
                }
                throw loss.explain(e);
            }
        }

        void checkAlive() throws JMSException {
            loss.check();
        }

        /** Closes the connection, which rolls back what it had not committed; a broken one may refuse. */
        void close() {
            if (connection == null) {
                return;
            }
            loss.closing();
            try {
                connection.close();
            } catch (JMSException | RuntimeException ignored) {
                // The link is being dropped, often because it already broke.
            }
        }
    }
}
