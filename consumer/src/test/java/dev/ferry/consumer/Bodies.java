package dev.ferry.consumer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.activemq.command.ActiveMQBytesMessage;

/** Builds events with their bodies, as a producer would send them. */
final class Bodies {

    static final int MODE = 0644;
    static final long MTIME = 1_700_000_000_123_000_000L;

    private Bodies() {
    }

    static ChangeEvent.PutFile putFile(String path, long seq, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new ChangeEvent.PutFile(RelPath.of(path), seq, 0, bytes.length, bytes.length, sha256(bytes),
                MODE, MTIME);
    }

    static BytesMessage body(String content) throws JMSException {
        return body(content.getBytes(StandardCharsets.UTF_8), 0, content.getBytes(StandardCharsets.UTF_8).length);
    }

    static BytesMessage body(byte[] bytes, int offset, int length) throws JMSException {
        ActiveMQBytesMessage message = new ActiveMQBytesMessage();
        message.writeBytes(bytes, offset, length);
        message.reset(); // make it readable, as a received message is
        return message;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
