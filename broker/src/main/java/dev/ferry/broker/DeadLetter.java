package dev.ferry.broker;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventCodec;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormat;
import dev.ferry.wire.WireFormatException;
import dev.ferry.wire.WireText;
import dev.ferry.wire.seal.Seal;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.time.Instant;
import java.util.List;

/**
 * One message on a dead-letter queue, as far as it can be read. Every part but the ID may be
 * unknown ({@code null}): a message the broker dead-lettered itself has no Ferry reason or time,
 * and one that is not a Ferry message names no path.
 *
 * @param messageId      its JMS message ID on the dead-letter queue
 * @param deadLetteredAt when the consumer dead-lettered it
 * @param path           the path its event names ({@code "from -> to"} for a rename)
 * @param kind           the kind of its event ({@code PutFile}, {@code Delete}, ...), else its JMS type
 * @param reason         why it was dead-lettered
 * @param undecodable    why the consumer cannot decode it, or {@code null} when it can (only then is
 *                       a retry of any use)
 */
public record DeadLetter(String messageId, Instant deadLetteredAt, String path, String kind, String reason,
                         String undecodable) {

    /** The property the broker itself sets when it dead-letters a message. */
    static final String BROKER_REASON_PROPERTY = "dlqDeliveryFailureCause";

    /** Whether the consumer can decode it, so retrying it may succeed once the cause is fixed. */
    public boolean decodes() {
        return undecodable == null;
    }

    /** What {@code message} says about itself; reading it never fails on its content. */
    static DeadLetter of(Message message) throws JMSException {
        return of(message, Seal.none(""));
    }

    /**
     * What {@code message} says about itself, opened with {@code seal} when it is encrypted with its
     * key (else its path and kind stay unknown, and its reason "(encrypted)"); reading it never
     * fails on its content.
     */
    static DeadLetter of(Message message, Seal seal) throws JMSException {
        Message shown = seal.peek(message);
        List<ChangeEvent> named = eventsNamedBy(shown);
        String reason = reasonOf(message, seal);
        return new DeadLetter(message.getJMSMessageID(), deadLetteredAt(message),
                named.isEmpty() ? null : pathOf(named), kindOf(named, shown),
                reason, whyUndecodable(shown));
    }

    /**
     * The events its JSON names even when the message as a whole does not decode (its body does not
     * match, say): enough to show which paths it was about. Empty when it names none.
     */
    private static List<ChangeEvent> eventsNamedBy(Message message) {
        try {
            String bundle = message.getStringProperty(WireFormat.BUNDLE_PROPERTY);
            return bundle != null ? EventCodec.bundleFromJson(bundle)
                    : List.of(EventCodec.fromJson(message.getStringProperty(WireFormat.EVENT_PROPERTY)));
        } catch (WireFormatException | JMSException | RuntimeException e) {
            return List.of();
        }
    }

    private static String kindOf(List<ChangeEvent> named, Message message) throws JMSException {
        if (named.isEmpty()) {
            return blankToNull(message.getJMSType());
        }
        return named.size() == 1 ? named.get(0).getClass().getSimpleName() : EventMessages.BUNDLE_KIND;
    }

    private static String whyUndecodable(Message message) {
        try {
            EventMessages.decode(message);
            return null;
        } catch (WireFormatException | JMSException e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
    }

    /** The path of a single event; for a bundle, the first file's and how many more it holds. */
    private static String pathOf(List<ChangeEvent> events) {
        String first = pathOf(events.get(0));
        return events.size() == 1 ? first : first + " and " + (events.size() - 1) + " more";
    }

    private static String pathOf(ChangeEvent event) {
        if (event instanceof ChangeEvent.Rename rename) {
            return rename.from().text() + " -> " + rename.path().text();
        }
        return event.path().text();
    }

    private static Instant deadLetteredAt(Message message) throws JMSException {
        Object millis = message.getObjectProperty(WireFormat.DEAD_LETTER_TIME_PROPERTY);
        return millis instanceof Long || millis instanceof Integer ? Instant.ofEpochMilli(((Number) millis).longValue())
                : null;
    }

    private static String reasonOf(Message message, Seal seal) throws JMSException {
        String reason = blankToNull(stringProperty(message, WireFormat.DEAD_LETTER_REASON_PROPERTY));
        return reason != null ? WireText.unescape(seal.reveal(reason, WireFormat.deadLetterReasonPurpose(
                stringProperty(message, WireFormat.ORIGINAL_MESSAGE_ID_PROPERTY))))
                : blankToNull(stringProperty(message, BROKER_REASON_PROPERTY));
    }

    private static String stringProperty(Message message, String name) throws JMSException {
        Object value = message.getObjectProperty(name);
        return value == null ? null : value.toString();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
