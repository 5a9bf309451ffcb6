package dev.ferry.consumer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.BytesMessage;
import jakarta.jms.Message;

/**
 * What the consumer does with one message, without a broker: decode it, apply it, or give up on
 * it with a reason (the message would go to the dead-letter queue). Anything else it throws is a
 * failure the consumer was not built for, and the property tests let it escape.
 */
final class Delivery {

    /** How a message ended: applied (or recognised as stale), or dead-lettered, and why. */
    record Outcome(ChangeEvent event, String deadLetterReason) {
        boolean deadLettered() {
            return deadLetterReason != null;
        }

        /** The number the consumer counts as seen in its transaction: 0 for a dead-lettered message. */
        long seenSeq() {
            return deadLettered() ? 0 : event.seq();
        }
    }

    private Delivery() {
    }

    static Outcome deliver(Replica replica, WireMessage wire) throws Exception {
        Message message = wire.received();
        ChangeEvent event;
        try {
            event = EventMessages.decode(message);
        } catch (WireFormatException e) {
            return new Outcome(null, String.valueOf(e.getMessage()));
        }
        try {
            replica.applier().apply(event, (BytesMessage) message);
            return new Outcome(event, null);
        } catch (PoisonException e) {
            return new Outcome(event, String.valueOf(e.getMessage()));
        }
    }

    /** Whether the decoder alone rejects the message, whatever state the replica is in. */
    static boolean isRejectedByDecoder(WireMessage wire) throws Exception {
        try {
            EventMessages.decode(wire.received());
            return false;
        } catch (WireFormatException e) {
            return true;
        }
    }
}
