package dev.ferry.broker;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.MessageCopies;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireFormatException;
import dev.ferry.wire.seal.Seal;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The dead-letter queue of a Ferry queue seen from outside the consumer: what lies on it, and
 * moving messages back to the queue once the cause is fixed. The other end of the consumer's dead
 * letter channel.
 *
 * <p>A retry moves only what a browse of the dead-letter queue saw when it started. A message the
 * consumer dead-letters again meanwhile comes back under a new ID, which the retry never looks for,
 * so a retry always ends. ActiveMQ Classic shows a browser only the first messages of a queue
 * ({@code maxBrowsePageSize}, 400 by default); those behind them are out of reach until the ones
 * before them are gone.
 */
public final class DeadLetterQueue {

    /** Set by the consumer's dead letter channel: the ID the message had on the queue. */

    // What dead-lettering added; a retried message goes back without it.
    private static final Set<String> DEAD_LETTER_PROPERTIES = Set.of(WireFormat.DEAD_LETTER_REASON_PROPERTY,
            WireFormat.DEAD_LETTER_TIME_PROPERTY, WireFormat.ORIGINAL_MESSAGE_ID_PROPERTY, DeadLetter.BROKER_REASON_PROPERTY,
            WireFormat.DEAD_LETTER_GROUP_PROPERTY);

    // The browse has just seen the message, so it arrives at once unless someone else took it.
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(5);

    private final BrokerEndpoint endpoint;
    private final String queue;
    private final Duration receiveTimeout;
    private final Seal seal;

    /** The dead-letter queue of {@code queue} on the broker at {@code endpoint}. */
    public DeadLetterQueue(BrokerEndpoint endpoint, String queue) {
        this(endpoint, queue, RECEIVE_TIMEOUT, Seal.none(queue));
    }

    /**
     * The same, showing what is encrypted with {@code seal}'s key (its stream's), and giving retried
     * messages their keyed group back.
     */
    public DeadLetterQueue(BrokerEndpoint endpoint, String queue, Seal seal) {
        this(endpoint, queue, RECEIVE_TIMEOUT, seal);
    }

    DeadLetterQueue(BrokerEndpoint endpoint, String queue, Duration receiveTimeout) {
        this(endpoint, queue, receiveTimeout, Seal.none(queue));
    }

    private DeadLetterQueue(BrokerEndpoint endpoint, String queue, Duration receiveTimeout, Seal seal) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.receiveTimeout = receiveTimeout;
        this.seal = Objects.requireNonNull(seal, "seal");
    }

    /** The queue whose dead letters it holds, where a retry moves them back. */
    public String queue() {
        return queue;
    }

    /** Its name, {@code DLQ.<queue>}. */
    public String name() {
        return WireFormat.deadLetterQueueOf(queue);
    }

    /** The messages on it, oldest first, left where they are. */
    public List<DeadLetter> list() throws JMSException {
        Connection connection = endpoint.connect("dlq", 1);
        try {
            return browse(connection.createSession(false, Session.AUTO_ACKNOWLEDGE));
        } finally {
            connection.close();
        }
    }

    /**
     * Moves the selected messages back to the queue, each in a transaction of its own, without what
     * dead-lettering added to them and with their message group again. A message the consumer cannot
     * decode stays, since it would only be dead-lettered again, unless {@code force} says to move it
     * anyway.
     *
     * @throws IllegalArgumentException when a selected ID is not on the dead-letter queue; then
     *                                  nothing is moved
     */
    public RetryReport retry(Selection selection, boolean force) throws JMSException {
        Connection connection = endpoint.connect("dlq", 1);
        try {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            return move(session, selection.pick(browse(session), name()), force);
        } finally {
            connection.close();
        }
    }

    /** Moves {@code chosen}, seen by an earlier browse, back to the queue; the seam that tests drive. */
    RetryReport move(Session session, List<DeadLetter> chosen, boolean force) throws JMSException {
        MessageProducer back = session.createProducer(session.createQueue(queue));
        back.setDeliveryMode(DeliveryMode.PERSISTENT);
        Tally tally = new Tally();
        for (DeadLetter letter : chosen) {
            if (letter.decodes() || force) {
                moveOne(session, back, letter, tally);
            } else {
                tally.kept.add(new RetryReport.Kept(letter, letter.undecodable()));
            }
        }
        return tally.report();
    }

    private void moveOne(Session session, MessageProducer back, DeadLetter letter, Tally tally) throws JMSException {
        MessageConsumer consumer = session.createConsumer(session.createQueue(name()), selectorFor(letter.messageId()));
        try {
            Message message = consumer.receive(receiveTimeout.toMillis());
            if (message == null) {
                tally.vanished.add(letter);
                return;
            }
            Message copy = retryCopyOf(session, message);
            if (copy == null) {
                session.rollback();
                tally.kept.add(new RetryReport.Kept(letter, "its " + MessageCopies.uncopyableBodyKind(message) + " body cannot be copied"));
                return;
            }
            back.send(copy);
            session.commit();
            tally.moved.add(letter);
        } finally {
            consumer.close();
        }
    }

    private List<DeadLetter> browse(Session session) throws JMSException {
        QueueBrowser browser = session.createBrowser(session.createQueue(name()));
        try {
            List<DeadLetter> letters = new ArrayList<>();
            for (Enumeration<?> messages = browser.getEnumeration(); messages.hasMoreElements(); ) {
                letters.add(DeadLetter.of((Message) messages.nextElement(), seal));
            }
            return letters;
        } finally {
            browser.close();
        }
    }

    private static String selectorFor(String messageId) {
        return "JMSMessageID = '" + messageId.replace("'", "''") + "'";
    }

    /** The message as it was before it was dead-lettered, or null when its body cannot be copied. */
    private Message retryCopyOf(Session session, Message original) throws JMSException {
        // As it was sent: an encrypted message goes back encrypted, with its signature.
        Message copy = MessageCopies.copy(session, original, key -> !DEAD_LETTER_PROPERTIES.contains(key));
        if (copy == null) {
            return null;
        }
        ChangeEvent event = decodedOrNull(seal.peek(original));
        Object kept = original.getObjectProperty(WireFormat.DEAD_LETTER_GROUP_PROPERTY);
        if (kept instanceof String group) {
            copy.setStringProperty("JMSXGroupID", group); // as the producer chose it, keyed or not
        } else if (event != null) {
            // Dead-lettered before the group was kept aside: worked out again (a bundle's files share it).
            copy.setStringProperty("JMSXGroupID", seal.groupOf(event.groupPath().topLevel()));
        }
        return copy;
    }

    private static ChangeEvent decodedOrNull(Message message) {
        try {
            return EventMessages.decode(message).get(0);
        } catch (WireFormatException | JMSException e) {
            return null;
        }
    }

    /**
     * Which dead-lettered messages a retry moves.
     *
     * @param everything whether all of them
     * @param messageIds otherwise, the IDs of those to move
     */
    public record Selection(boolean everything, Set<String> messageIds) {

        public Selection {
            messageIds = Collections.unmodifiableSet(new LinkedHashSet<>(messageIds));
            if (everything == !messageIds.isEmpty()) {
                throw new IllegalArgumentException("select either all messages or some message IDs");
            }
        }

        /** Every message on the dead-letter queue. */
        public static Selection all() {
            return new Selection(true, Set.of());
        }

        /** The messages with these IDs; at least one. */
        public static Selection of(Collection<String> messageIds) {
            return new Selection(false, new LinkedHashSet<>(messageIds));
        }

        /** The selected messages of {@code seen}, in queue order; every selected ID must be there. */
        List<DeadLetter> pick(List<DeadLetter> seen, String deadLetterQueue) {
            if (everything) {
                return seen;
            }
            Set<String> present = seen.stream().map(DeadLetter::messageId).collect(Collectors.toSet());
            List<String> missing = messageIds.stream().filter(id -> !present.contains(id)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(deadLetterQueue + " holds no message " + String.join(", ", missing));
            }
            return seen.stream().filter(letter -> messageIds.contains(letter.messageId())).toList();
        }
    }

    /** The outcome of one retry, gathered as it goes. */
    private static final class Tally {
        final List<DeadLetter> moved = new ArrayList<>();
        final List<RetryReport.Kept> kept = new ArrayList<>();
        final List<DeadLetter> vanished = new ArrayList<>();

        RetryReport report() {
            return new RetryReport(moved, kept, vanished);
        }
    }
}
