package dev.ferry.wire;

import java.util.Objects;

/**
 * A message body as it travels: the first {@code length} bytes of {@code bytes}, as they are
 * ({@code encoding} null) or compressed by the {@link BodyEncoding} {@code encoding} names.
 *
 * <p>A view, not a copy: it is made just before the message is written, from a buffer its maker
 * reuses, so copying up to 4 MiB per message would buy nothing.
 *
 * @param encoding the value of {@link WireFormat#ENCODING_PROPERTY}, or {@code null} for a body as it is
 * @param bytes    the buffer holding the body; may be {@code null} when {@code length} is 0
 * @param length   how many bytes of {@code bytes} travel
 */
public record EncodedBody(String encoding, byte[] bytes, int length) {

    /** The empty body of an event that carries none. */
    public static final EncodedBody NONE = new EncodedBody(null, null, 0);

    public EncodedBody {
        if (length < 0 || (length > 0 && (bytes == null || length > bytes.length))) {
            throw new IllegalArgumentException("a body of " + length + " bytes in a buffer of "
                    + (bytes == null ? "none" : bytes.length + " bytes"));
        }
        if (encoding != null && !BodyEncoding.isKnown(encoding)) {
            throw new IllegalArgumentException("unknown body encoding " + encoding);
        }
    }

    /** The first {@code length} bytes of {@code bytes} as they are. */
    public static EncodedBody raw(byte[] bytes, int length) {
        return length == 0 ? NONE : new EncodedBody(null, bytes, length);
    }

    /** Whether the body is compressed. */
    public boolean isEncoded() {
        return encoding != null;
    }

    @Override
    public boolean equals(Object other) {
        return this == other; // A view of a buffer: two are the same only if they are one.
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(encoding) * 31 + length;
    }

    @Override
    public String toString() {
        return (encoding == null ? "raw" : encoding) + " body of " + length + " bytes";
    }
}
