package dev.ferry.wire.seal;

import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stream's encryption key, shared by its producer and its mirrors: 256 random bits. Two keys are
 * derived from it, so that no key serves two purposes: one encrypts (AES-256-GCM,
 * {@link MessageCipher}), one names message groups by a keyed hash of the top-level entry, so the
 * broker can keep the events of one entry in order without learning its name.
 */
public final class EncryptionKey {

    static final int BYTES = 32;

    private final SecretKeySpec cipherKey;
    private final SecretKeySpec groupKey;
    private final String id;

    private EncryptionKey(byte[] material) {
        if (material.length != BYTES) {
            throw new IllegalArgumentException("an encryption key is " + BYTES + " bytes, not " + material.length);
        }
        SecretKeySpec root = new SecretKeySpec(material, "HmacSHA256");
        this.cipherKey = new SecretKeySpec(derive(root, "ferry cipher key"), "AES");
        this.groupKey = new SecretKeySpec(derive(root, "ferry group key"), "HmacSHA256");
        this.id = HexFormat.of().formatHex(derive(root, "ferry key id"), 0, 8);
    }

    /** A new key from the JDK's strong random source. */
    public static EncryptionKey generate() {
        return new EncryptionKey(randomMaterial());
    }

    /**
     * The key in {@code file}, which only its owner may read.
     *
     * @throws KeyFileException naming the file and what is wrong
     */
    public static EncryptionKey read(Path file) throws KeyFileException {
        byte[] material = KeyFiles.read(file, KeyFiles.ENCRYPTION_KEY, true, "encryption key");
        if (material.length != BYTES) {
            throw new KeyFileException(file + " is not an encryption key (" + material.length + " bytes, not " + BYTES + ")");
        }
        return new EncryptionKey(material);
    }

    /** Writes a new key to the new file {@code file}, owner-only. */
    public static EncryptionKey generateInto(Path file) throws IOException {
        byte[] material = randomMaterial();
        KeyFiles.write(file, true, KeyFiles.block(KeyFiles.ENCRYPTION_KEY, material));
        return new EncryptionKey(material);
    }

    /**
     * The key's short name, which encrypted messages carry so that a side with another key can say
     * so: derived from the key, it tells nothing of it.
     */
    public String id() {
        return id;
    }

    SecretKeySpec cipherKey() {
        return cipherKey;
    }

    /**
     * The {@code JMSXGroupID} of the events under {@code topLevel}: one of {@link WireFormat#GROUPS}
     * like the clear one, chosen by a keyed hash, so equal names share a group and the group tells
     * nothing of the name to whoever lacks the key.
     */
    String groupOf(String topLevel) {
        byte[] hash = mac(groupKey, topLevel.getBytes(StandardCharsets.UTF_8));
        return "ferry-" + Math.floorMod(ByteBuffer.wrap(hash).getInt(), WireFormat.GROUPS);
    }

    private static byte[] randomMaterial() {
        byte[] material = new byte[BYTES];
        new SecureRandom().nextBytes(material);
        return material;
    }

    private static byte[] derive(SecretKeySpec root, String purpose) {
        return mac(root, purpose.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] mac(SecretKeySpec key, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "encryption key " + id;
    }
}
