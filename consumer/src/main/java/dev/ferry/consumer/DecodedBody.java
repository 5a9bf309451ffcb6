package dev.ferry.consumer;

import dev.ferry.wire.BodyEncoding;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.List;

/**
 * The compressed body of one message ({@link BodyEncoding}), decoded when one of its events first
 * reads it and dropped once all of them have: a batch holds its messages as they traveled, and
 * decoded bodies only while they are being written, not a batch's worth of 4 MiB buffers.
 *
 * <p>A body that does not decode to what its events declare is poison for each of them, with the
 * reason the decoder gave; it is decoded once, however many events share it.
 */
final class DecodedBody {

    private final BytesMessage message;
    private final String encoding;
    private final int length;
    private final String what;
    private int unread;
    private byte[] bytes;
    private String failure;

    /**
     * The body of {@code message}, encoded by {@code encoding}, which decodes to {@code length}
     * bytes, shared by {@code readers} events.
     *
     * @param what names the body in a reason, e.g. "the body of PutFile a/b.txt"
     */
    private DecodedBody(BytesMessage message, String encoding, int length, int readers, String what) {
        this.message = message;
        this.encoding = encoding;
        this.length = length;
        this.unread = readers;
        this.what = what;
    }

    /**
     * The bodies of the events of {@code message}, whose body is compressed, in order: each its
     * part of the one decoded body.
     */
    static List<EventBody> slices(BytesMessage message, EventMessages.Applicable applicable) {
        List<ChangeEvent> events = applicable.events();
        if (events.isEmpty()) {
            return List.of();
        }
        ChangeEvent first = events.get(0);
        DecodedBody body = new DecodedBody(message, applicable.encoding(), applicable.bodyLength(), events.size(),
                applicable.bundle() ? "the body of a bundle of " + events.size() + " files (" + first.path() + ", ...)"
                        : "the body of " + first.getClass().getSimpleName() + " " + first.path());
        List<EventBody> slices = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            int length = applicable.bundle() ? ((ChangeEvent.PutFile) events.get(i)).length() : applicable.bodyLength();
            slices.add(body.slice(applicable.bodyOffsets().get(i), length));
        }
        return slices;
    }

    /** The {@code sliceLength} bytes from {@code offset} of the decoded body: one reader's part. */
    EventBody slice(int offset, int sliceLength) {
        return new EventBody() {
            private int position = offset;
            private final int end = offset + sliceLength;
            private boolean done;

            @Override
            public int read(byte[] buffer, int wanted) throws JMSException, PoisonException {
                if (position >= end) {
                    finished();
                    return -1;
                }
                byte[] decoded = decoded();
                int count = Math.min(wanted, end - position);
                System.arraycopy(decoded, position, buffer, 0, count);
                position += count;
                if (position >= end) {
                    finished();
                }
                return count;
            }

            private void finished() {
                if (!done) {
                    done = true;
                    readerDone();
                }
            }
        };
    }

    private byte[] decoded() throws JMSException, PoisonException {
        if (failure != null) {
            throw new PoisonException(failure);
        }
        if (bytes == null) {
            try {
                bytes = BodyEncoding.decode(message, encoding, length, what);
            } catch (WireFormatException e) {
                failure = e.getMessage();
                throw new PoisonException(failure);
            }
        }
        return bytes;
    }

    private void readerDone() {
        if (--unread <= 0) {
            bytes = null; // Every event has its part: the memory goes back before the batch ends.
        }
    }
}
