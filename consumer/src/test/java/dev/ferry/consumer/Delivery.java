package dev.ferry.consumer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import java.util.List;

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
            List<ChangeEvent> events = EventMessages.decode(message);
            if (events.size() != 1) {
                throw new IllegalStateException("the hostile messages are single events, got " + events);
            }
            event = events.get(0);
        } catch (WireFormatException e) {
            return new Outcome(null, String.valueOf(e.getMessage()));
        }
        try {
            applyNow(replica, event, (BytesMessage) message);
            return new Outcome(event, null);
        } catch (PoisonException e) {
            return new Outcome(event, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Applies one event as the consumer does when it is the last of its batch: a file that becomes
     * pending lands at once.
     *
     * @return whether the replica changed
     */
    static boolean applyNow(Replica replica, ChangeEvent event, BytesMessage message) throws Exception {
        ChangeApplier applier = replica.applier();
        boolean changed = applier.apply(event, EventBody.of(message), message);
        try (ReplicaTree.TimeHold hold = replica.holdDirectoryTimes()) {
            for (PendingFiles.Pending file : applier.takePending()) {
                applier.land(file);
                changed = true;
            }
        }
        return changed;
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
