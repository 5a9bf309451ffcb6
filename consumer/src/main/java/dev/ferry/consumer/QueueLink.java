package dev.ferry.consumer;

import dev.ferry.consumer.repair.ControlChannel;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ConnectionLoss;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.seal.Seal;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * One live connection to a mirror's queue: a transacted session, its receivers and its dead-letter
 * channel. When the broker goes away the link is dropped whole and a new one is made.
 *
 * <p>The mirror's queue is read as an exclusive consumer: a second consumer of the same mirror (a
 * standby, or a restart while the old process lingers) receives nothing while this one is attached,
 * so two consumers never divide one mirror's events; when this one goes, the broker hands the next
 * the queue, with what this one had not committed.
 *
 * <p>Mirror {@link WireFormat#DEFAULT_MIRROR} also reads the queue of Ferry before mirrors, the
 * stream's own queue name: what a producer of before mirrors left there, or still sends there, is
 * applied too, so an upgrade loses no backlog and consumers can be upgraded before producers. Both
 * receivers share the one transacted session, so a batch of both commits or rolls back whole; the
 * ledger makes the order between them harmless (an older event for a path changes nothing after a
 * newer one).
 *
 * <p>It is also the mirror's way to the stream's control queue, for its repairs: what it sends
 * there is part of the same transaction, so the listings a describe asks for leave with the
 * describe taken off the queue, or not at all.
 */
final class QueueLink implements ControlChannel, AutoCloseable {

    /** The destination option that makes a receiver the queue's one consumer while it is attached. */
    static final String EXCLUSIVE = "consumer.exclusive=true";
    /**
     * How long the mirror's queue is waited on at a time while the queue of before mirrors is read
     * too: a message there waits at most this long, and a drain sees it before it calls the queues
     * quiet. Looking costs nothing but a glance at the receiver's prefetch buffer.
     */
    private static final long LEGACY_POLL_MILLIS = 50;
    /**
     * The legacy receiver's own prefetch: its messages come on top of the mirror receiver's, so it
     * gets a quarter of the room, bounding what both hold in memory together.
     */
    private static final int LEGACY_PREFETCH = Consumer.PREFETCH / 4;

    private final Connection connection; // All null in a link lost while it was being made.
    private final Session session;
    private final MessageConsumer receiver;
    private final MessageConsumer legacy; // Null but for mirror default.
    private final DeadLetterChannel deadLetters;
    private final String controlQueue;
    private final String mirrorQueue;
    private final String legacyQueue; // The queue of before mirrors: the stream's name.
    private MessageProducer control; // Made at the first repair message: a user who may not ask still applies.
    private final ConnectionLoss loss;

    private final Seal seal; // How repair requests travel: encrypted when the stream is.

    private QueueLink(Connection connection, ConnectionLoss loss, ConsumerSettings settings, Clock clock,
                      FirstContact contact) throws JMSException {
        this.connection = connection;
        this.loss = loss;
        // The listener hears of a lost transport even while nothing is being received.
        connection.setExceptionListener(loss);
        contact.look(connection);
        this.session = connection.createSession(true, Session.SESSION_TRANSACTED);
        String mirrorQueue = settings.mirrorQueue();
        this.receiver = session.createConsumer(session.createQueue(mirrorQueue + "?" + EXCLUSIVE));
        this.legacy = WireFormat.DEFAULT_MIRROR.equals(settings.mirror())
                ? session.createConsumer(session.createQueue(settings.queue() + "?" + EXCLUSIVE
                        + "&consumer.prefetchSize=" + LEGACY_PREFETCH))
                : null;
        this.deadLetters = new DeadLetterChannel(session, WireFormat.deadLetterQueueOf(mirrorQueue), clock,
                settings.seal());
        this.controlQueue = WireFormat.controlQueueOf(settings.queue());
        this.seal = settings.seal();
        this.mirrorQueue = mirrorQueue;
        this.legacyQueue = settings.queue();
    }

    private QueueLink(JMSException failure) {
        this.connection = null;
        this.session = null;
        this.receiver = null;
        this.legacy = null;
        this.deadLetters = null;
        this.controlQueue = null;
        this.mirrorQueue = null;
        this.legacyQueue = null;
        this.seal = null;
        this.loss = ConnectionLoss.of(failure);
    }

    /**
     * A link whose making failed because the broker went away after it had answered: every use
     * throws {@code failure}, as a link that broke later would, so the consumer takes the same
     * path to a new one.
     */
    static QueueLink lost(JMSException failure) {
        return new QueueLink(failure);
    }

    /** A link to the mirror's queue; {@code contact} looks at the broker first, before the subscriptions. */
    static QueueLink open(BrokerEndpoint endpoint, ConsumerSettings settings, int prefetch, Clock clock,
                          FirstContact contact) throws JMSException {
        return open(endpoint.connect("consumer", prefetch), settings, clock, contact);
    }

    /** A link on {@code connection}, which is closed if the link cannot be made. */
    static QueueLink open(Connection connection, ConsumerSettings settings, Clock clock, FirstContact contact)
            throws JMSException {
        ConnectionLoss loss = new ConnectionLoss();
        try {
            return new QueueLink(connection, loss, settings, clock, contact);
        } catch (JMSException | RuntimeException e) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException ignored) {
                // The original failure is the one worth reporting.
            }
            throw loss.explain(e);
        }
    }

    /**
     * Whether {@code message} came from the queue of before mirrors, where producers of before
     * publish: none of them numbers its messages, and none answers a repair.
     */
    boolean fromQueueOfBeforeMirrors(Message message) throws JMSException {
        return legacy != null && message.getJMSDestination() instanceof Queue queue
                && legacyQueue.equals(queue.getQueueName());
    }

    /**
     * The next message, or null after {@code timeoutMillis} (at least 1); throws once the connection
     * has failed. What waits on the queue of before mirrors comes first.
     */
    Message receive(long timeoutMillis) throws JMSException {
        return loss.call(() -> receiveWithin(timeoutMillis));
    }

    private Message receiveWithin(long timeoutMillis) throws JMSException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Message message = legacy == null ? null : legacy.receiveNoWait();
            if (message != null) {
                return message;
            }
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            message = receiver.receive(legacy == null ? left : Math.min(left, LEGACY_POLL_MILLIS));
            if (message != null) {
                return message;
            }
            if (System.nanoTime() - deadline >= 0) {
                loss.check();
                return null;
            }
        }
    }

    /**
     * Sends {@code message} to the stream's control queue in this link's transaction, its answers
     * asked for on the mirror's queue. The broker checks the right to write there when the link
     * makes its producer for that queue, at the first message, and answers before this returns: a
     * refusal is an exception here, not a broken link.
     */
    @Override
    public void send(RepairMessage message) throws JMSException {
        loss.run(() -> {
            BytesMessage encoded = seal.write(session, RepairMessages.compose(message)
                    .with(WireFormat.REPLY_TO_PROPERTY, mirrorQueue)); // inside, where the broker cannot change it
            Queue replyTo = session.createQueue(mirrorQueue);
            encoded.setJMSReplyTo(replyTo);
            if (control == null) {
                control = session.createProducer(session.createQueue(controlQueue));
            }
            control.send(encoded);
        });
    }

    @Override
    public void commit() throws JMSException {
        loss.run(session::commit);
    }

    void rollback() throws JMSException {
        loss.run(session::rollback);
    }

    /** Moves {@code message} to the mirror's dead-letter queue in this link's transaction ({@link DeadLetterChannel}). */
    void deadLetter(Message message, String reason) throws JMSException {
        loss.run(() -> deadLetters.send(message, reason));
    }

    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        loss.closing();
        try {
            connection.close(); // rolls back an open transaction
        } catch (JMSException | RuntimeException ignored) {
            // The link is being dropped, often because it already broke.
        }
    }
}
