package dev.ferry.wire.seal;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A producer's public Ed25519 key, which a consumer trusts to sign what it applies.
 *
 * @param id  its short name ({@link KeyId})
 * @param key the key as the JDK reads and writes it (X.509)
 * @param raw its 32 bytes (RFC 8032), which signatures are checked with
 */
public record TrustedKey(String id, PublicKey key, byte[] raw) {

    /** How an X.509 SubjectPublicKeyInfo of an Ed25519 key begins: the 32 bytes of the key follow. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    static TrustedKey of(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded.length != X509_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE
                || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return new TrustedKey(KeyId.of(encoded), key, Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length));
    }

    static TrustedKey decode(byte[] der) throws GeneralSecurityException {
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        return of(key);
    }

    /**
     * The public key in {@code file}, a {@code .pub} that {@code ferry keygen} wrote. A private key
     * file is refused: whoever holds it can sign, so it stays with the producer.
     *
     * @throws KeyFileException naming the file and what is wrong
     */
    public static TrustedKey read(Path file) throws KeyFileException {
        if (KeyFiles.holdsPrivateKey(file)) {
            throw new KeyFileException(file + " holds a producer's private key: give the consumer the public key "
                    + "beside it (" + file.getFileName() + ".pub), and keep the private one on the producer's machine");
        }
        byte[] der = KeyFiles.read(file, KeyFiles.PUBLIC_KEY, false, "public key");
        try {
            return decode(der);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyFileException(file + " is not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    /** Whether {@code signature} is this key's signature of {@code content} (Bouncy Castle's Ed25519: see the parent pom). */
    boolean verifies(byte[] content, byte[] signature) {
        return signature.length == Ed25519.SIGNATURE_SIZE
                && Ed25519.verify(signature, 0, raw, 0, content, 0, content.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustedKey that && id.equals(that.id) && key.equals(that.key);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Ed25519 key " + id;
    }
}
