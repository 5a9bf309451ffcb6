package dev.ferry.producer;

import dev.ferry.wire.WireFormat;
import java.util.UUID;

/**
 * The producer's stream as its messages carry it (a message sequence): the stream's id and the
 * number of each message published on the stream's topic ({@link WireFormat#STREAM_PROPERTY},
 * {@link WireFormat#STREAM_SEQ_PROPERTY}), 1 for the first, each one more than the one before.
 *
 * <p>Numbers are handed out as messages are sent and count only once the broker committed them:
 * the {@link SourceIndex} keeps the last number committed with its own commit, and a transaction
 * that is lost gives its numbers again to what is sent instead, so the numbers a mirror receives
 * follow one another without a hole. Used by the producer's thread only.
 */
final class StreamSequence {

    private final String id;
    private long committed;
    private long last;

    private StreamSequence(String id, long committed) {
        this.id = id;
        this.committed = committed;
        this.last = committed;
    }

    /** A new stream, whose first message will be number 1. */
    static StreamSequence start() {
        return new StreamSequence(UUID.randomUUID().toString(), 0);
    }

    /** The stream {@code id} whose messages up to {@code committed} were committed. */
    static StreamSequence resume(String id, long committed) {
        if (id.isEmpty() || committed < 0) {
            throw new IllegalArgumentException("not a stream position: '" + id + "' at " + committed);
        }
        return new StreamSequence(id, committed);
    }

    String id() {
        return id;
    }

    /** The number of the message about to be sent. */
    long next() {
        return ++last;
    }

    /** The number of the last message sent, committed or not. */
    long last() {
        return last;
    }

    /** The number of the last message the broker committed. */
    long committed() {
        return committed;
    }

    /** The messages sent so far are committed. */
    void commit() {
        committed = last;
    }

    /** The messages sent since the last commit are lost: their numbers are given again. */
    void rollBack() {
        last = committed;
    }

    /**
     * The stream as the index keeps it when it commits: its id and the number of the last message
     * sent, which that commit makes the last one committed.
     */
    String encode() {
        return id + "\0" + last;
    }

    /** @throws IllegalArgumentException when {@code text} is not something {@link #encode()} wrote */
    static StreamSequence decode(String text) {
        int separator = text.indexOf('\0');
        if (separator < 0) {
            throw new IllegalArgumentException("a stream position without its number");
        }
        return resume(text.substring(0, separator), Long.parseLong(text.substring(separator + 1)));
    }
}
