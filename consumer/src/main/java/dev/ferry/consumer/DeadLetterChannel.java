package dev.ferry.consumer;

import dev.ferry.wire.MessageCopies;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireText;
import dev.ferry.wire.seal.Seal;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a message that can never be applied to the dead-letter queue, with the reason.
 *
 * <p>The copy is sent in the consumer's own transaction, so taking the message off the queue and
 * putting it on the dead-letter queue happen together or not at all.
 */
final class DeadLetterChannel {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterChannel.class);
    private static final int MAX_REASON = 1000;

    private final Session session;
    private final MessageProducer producer;
    private final String queueName;
    private final Clock clock;
    private final Seal seal;

    /**
     * A channel to {@code deadLetterQueue}, in {@code session}'s transactions; reasons, which name
     * paths, are encrypted when {@code seal} encrypts.
     */
    DeadLetterChannel(Session session, String deadLetterQueue, Clock clock, Seal seal) throws JMSException {
        this.session = session;
        this.seal = seal;
        this.queueName = deadLetterQueue;
        this.producer = session.createProducer(session.createQueue(queueName));
        this.clock = clock;
    }

    void send(Message original, String reason) throws JMSException {
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        Message copy = copyOf(original);
        copy.setStringProperty(WireFormat.DEAD_LETTER_REASON_PROPERTY, seal.protect(WireText.escape(shortReason),
                WireFormat.deadLetterReasonPurpose(original.getJMSMessageID())));
        if (original.propertyExists("JMSXGroupID")) {
            // Kept aside (JMSX properties are the broker's and are not copied), so a retry restores it
            // without the key that chose it.
            copy.setStringProperty(WireFormat.DEAD_LETTER_GROUP_PROPERTY, original.getStringProperty("JMSXGroupID"));
        }
        copy.setLongProperty(WireFormat.DEAD_LETTER_TIME_PROPERTY, clock.millis());
        copy.setStringProperty(WireFormat.ORIGINAL_MESSAGE_ID_PROPERTY, original.getJMSMessageID());
        producer.send(copy);
        log.warn("dead-lettered message {} to {}: {}", original.getJMSMessageID(), queueName, shortReason);
    }

    private Message copyOf(Message original) throws JMSException {
        Message copy = MessageCopies.copy(session, original, property -> true);
        if (copy == null) {
            // A body Ferry never sends and cannot copy without deserializing it: keep the properties.
            copy = session.createMessage();
            MessageCopies.copyProperties(original, copy, property -> true);
        }
        return copy;
    }
}
