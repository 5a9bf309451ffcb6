package dev.ferry.wire.seal;

import dev.ferry.wire.OutgoingMessage;
import dev.ferry.wire.WireFormat;
import jakarta.jms.JMSException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.util.ByteSequence;

/**
 * The plaintext of an encrypted message: format, JMS type, correlation id, the Ferry properties
 * (each tagged with its type) and the body, each length-prefixed; {@link #header} is all of it but
 * the body's bytes, which the cipher reads from where they are. Reading it back makes a message
 * as a receiver would get it, with nothing but what a Ferry sender may put there: a property
 * whose name is not a Ferry one ({@code ferry...}), say {@code JMSPriority} or {@code JMSXGroupID},
 * is refused, so that what is inside cannot pose as a header the broker set.
 */
final class InnerMessage {

    private static final byte FORMAT = 1;

    private InnerMessage() {
    }

    /** What comes before the body: all but the body's bytes, which follow it in the plaintext. */
    static byte[] header(OutgoingMessage message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            text(out, message.type());
            text(out, message.correlationId());
            out.writeInt(message.properties().size());
            for (Map.Entry<String, Object> property : message.properties().entrySet()) {
                text(out, property.getKey());
                Object value = property.getValue();
                if (value instanceof Integer i) {
                    out.writeByte('I');
                    out.writeInt(i);
                } else if (value instanceof Long l) {
                    out.writeByte('J');
                    out.writeLong(l);
                } else {
                    out.writeByte('S');
                    text(out, (String) value);
                }
            }
            out.writeInt(message.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory
        }
        return bytes.toByteArray();
    }

    /**
     * The message {@code plain} holds, and its body, the rest of {@code plain} as it is (no copy);
     * the properties that stay outside an encrypted message ({@code ferryStream},
     * {@code ferryStreamSeq}) are left to the caller.
     *
     * @throws SealException when it is not what {@link #encode} writes
     */
    static Decoded decode(byte[] plain) throws SealException {
        ActiveMQBytesMessage message = new ActiveMQBytesMessage();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
            if (in.readByte() != FORMAT) {
                throw new SealException("an encrypted message in a format this side does not read; upgrade it");
            }
            message.setJMSType(readText(in));
            message.setJMSCorrelationID(readText(in));
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                property(message, readText(in), in);
            }
            int length = in.readInt();
            if (length < 0 || length != in.available()) {
                throw new SealException("an encrypted message whose body is not as long as it says");
            }
            return new Decoded(message, new ByteSequence(plain, plain.length - length, length));
        } catch (EOFException e) {
            throw new SealException("an encrypted message cut short inside");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory
        } catch (JMSException | RuntimeException e) {
            throw new SealException("an encrypted message whose inside cannot be read: " + e);
        }
    }

    /**
     * A message read back, and its body, not yet in it: properties set on an ActiveMQ message after
     * its body copy the body ({@link OutgoingMessage#holdBody}).
     */
    record Decoded(ActiveMQBytesMessage message, ByteSequence body) {
    }

    private static void property(ActiveMQBytesMessage message, String name, DataInputStream in)
            throws IOException, SealException, JMSException {
        if (name == null || !name.startsWith("ferry")) {
            throw new SealException("an encrypted message holding a property that is not Ferry's: "
                    + dev.ferry.wire.WireText.escape(String.valueOf(name)));
        }
        int tag = in.readByte();
        boolean outside = name.equals(WireFormat.STREAM_PROPERTY) || name.equals(WireFormat.STREAM_SEQ_PROPERTY);
        switch (tag) {
            case 'I' -> {
                int value = in.readInt();
                if (!outside) {
                    message.setIntProperty(name, value);
                }
            }
            case 'J' -> {
                long value = in.readLong();
                if (!outside) {
                    message.setLongProperty(name, value);
                }
            }
            case 'S' -> {
                String value = readText(in);
                if (!outside && value != null) {
                    message.setStringProperty(name, value);
                }
            }
            default -> throw new SealException("an encrypted message with a property of unknown type " + tag);
        }
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readText(DataInputStream in) throws IOException, SealException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new SealException("an encrypted message cut short inside");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
