package dev.ferry.wire.seal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short names for keys, as messages, logs and {@code ferry keygen} show them: 16 hex digits. */
final class KeyId {

    private KeyId() {
    }

    /** The first 8 bytes of the SHA-256 of {@code material}, in hex. */
    static String of(byte[] material) {
        return HexFormat.of().formatHex(sha256(material), 0, 8);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
