package dev.ferry.consumer;

import dev.ferry.wire.WireFormat;
import jakarta.jms.JMSException;
import jakarta.jms.Message;

/**
 * Where a mirror is in its producer's stream: the stream's id and the number of the last message
 * of it taken off the mirror's queue ({@link WireFormat#STREAM_PROPERTY},
 * {@link WireFormat#STREAM_SEQ_PROPERTY}). The producer numbers its messages without a hole, so
 * the next number tells whether messages were lost on the way (the Message Sequence pattern).
 */
record StreamPosition(String stream, long seq) {

    /** What a message's number says of the messages before it. */
    enum Step {
        /** The first numbered message this mirror takes: nothing to compare it with. */
        FIRST,
        /** The message after the last one. */
        NEXT,
        /** A number taken already: a redelivery, or a commit whose outcome its producer never learned. */
        AGAIN,
        /** A number past the next: the messages between were lost (a queue dropped, purged or expired). */
        GAP,
        /** Another stream: its producer lost its state, or the mirror was pointed at another producer. */
        NEW_STREAM;

        /** Whether messages may be missing: the mirror must compare itself with its source. */
        boolean missedSome() {
            return this == GAP || this == NEW_STREAM;
        }
    }

    /**
     * The place in its stream that {@code message} holds, or null when it holds none: a repair's
     * answer, a message of a producer that numbered none, or numbers that are not a stream's.
     */
    static StreamPosition of(Message message) throws JMSException {
        Object stream = message.getObjectProperty(WireFormat.STREAM_PROPERTY);
        Object seq = message.getObjectProperty(WireFormat.STREAM_SEQ_PROPERTY);
        if (!(stream instanceof String id) || id.isEmpty() || !(seq instanceof Long number) || number < 1) {
            return null;
        }
        return new StreamPosition(id, number);
    }

    /** What taking message {@code seq} of {@code stream} at {@code at} (null: none taken yet) says. */
    static Step step(StreamPosition at, String stream, long seq) {
        if (at == null) {
            return Step.FIRST;
        }
        if (!at.stream.equals(stream)) {
            return Step.NEW_STREAM;
        }
        if (seq <= at.seq) {
            return Step.AGAIN;
        }
        return seq == at.seq + 1 ? Step.NEXT : Step.GAP;
    }

    /** The position once message {@code seq} of {@code stream} is taken: never back within a stream. */
    static StreamPosition after(StreamPosition at, String stream, long seq) {
        if (at != null && at.stream.equals(stream) && at.seq >= seq) {
            return at;
        }
        return new StreamPosition(stream, seq);
    }

    /** As the ledger keeps it: the number, a space, the id (which may hold anything but is kept last). */
    String encode() {
        return seq + " " + stream;
    }

    /** The position {@link #encode} wrote, or null when the text is not one. */
    static StreamPosition decode(String text) {
        int space = text.indexOf(' ');
        if (space < 1) {
            return null;
        }
        try {
            return new StreamPosition(text.substring(space + 1), Long.parseLong(text.substring(0, space)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
