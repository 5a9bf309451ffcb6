package dev.ferry.consumer;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;

/**
 * The body bytes of one event, read once from the start: a whole message's body, or one file's
 * slice of a bundle, as they traveled or once decoded ({@link DecodedBody}).
 */
@FunctionalInterface
interface EventBody {

    /**
     * Reads up to {@code length} bytes into {@code buffer}; fewer than asked, or -1, at the end.
     *
     * @throws PoisonException when the body cannot be decoded (a compressed body that does not
     *                         decode to what its event declares): the message can never be applied
     */
    int read(byte[] buffer, int length) throws JMSException, PoisonException;

    static EventBody of(BytesMessage message) {
        return message::readBytes;
    }

    /** The {@code length} bytes of {@code bytes} from {@code offset}. */
    static EventBody of(byte[] bytes, int offset, int length) {
        return new EventBody() {
            private int position = offset;
            private final int end = offset + length;

            @Override
            public int read(byte[] buffer, int wanted) {
                if (position >= end) {
                    return -1;
                }
                int count = Math.min(wanted, end - position);
                System.arraycopy(bytes, position, buffer, 0, count);
                position += count;
                return count;
            }
        };
    }
}
