package dev.ferry.wire.seal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A producer's Ed25519 key, which signs every message it sends ({@link Seal}). Ed25519 because the
 * JDK has it (Java 15+, no dependency), its keys and signatures are short (32 and 64 bytes, a
 * property of some 90 characters), signing is deterministic (no random number to get wrong per
 * message), and OpenSSL reads its key files.
 */
public final class SigningKey {

    private final PrivateKey secret;
    private final byte[] seed; // the 32 bytes RFC 8032 signs with
    private final TrustedKey trusted;

    private SigningKey(PrivateKey secret, TrustedKey key) {
        this.secret = secret;
        this.seed = ((EdECPrivateKey) secret).getBytes()
                .orElseThrow(() -> new IllegalArgumentException("an Ed25519 private key without its 32 bytes"));
        this.trusted = key;
    }

    /** A new key pair, from the JDK's strong random source. */
    public static SigningKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new SigningKey(pair.getPrivate(), TrustedKey.of(pair.getPublic()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Java 15 and later have Ed25519", e);
        }
    }

    /**
     * The key in {@code file}: a PKCS#8 Ed25519 private key, which only its owner may read, followed
     * by its public key (the JDK cannot derive one from the other, so {@code ferry keygen} writes
     * both; OpenSSL reads the first block and ignores the second).
     *
     * @throws KeyFileException naming the file and what is wrong
     */
    public static SigningKey read(Path file) throws KeyFileException {
        byte[] der = KeyFiles.read(file, KeyFiles.PRIVATE_KEY, true, "signing key");
        byte[] publicDer = KeyFiles.read(file, KeyFiles.PUBLIC_KEY, true, "signing key (its public half)");
        SigningKey key;
        try {
            PrivateKey secret = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            key = new SigningKey(secret, TrustedKey.decode(publicDer));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyFileException(file + " is not an Ed25519 signing key (" + e.getMessage() + ")");
        }
        byte[] probe = "ferry key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!key.trusted.verifies(probe, key.sign(probe))) {
            throw new KeyFileException(file + " holds a private and a public key that do not belong together");
        }
        return key;
    }

    /** Writes the private key to the new file {@code secretFile} (mode 600) and the public one to {@code publicFile}. */
    public void write(Path secretFile, Path publicFile) throws IOException {
        KeyFiles.write(secretFile, true, KeyFiles.block(KeyFiles.PRIVATE_KEY, secret.getEncoded()),
                KeyFiles.block(KeyFiles.PUBLIC_KEY, trusted.key().getEncoded()));
        KeyFiles.write(publicFile, false, KeyFiles.block(KeyFiles.PUBLIC_KEY, trusted.key().getEncoded()));
    }

    /** The short name of this key, the one its public key has: what messages it signs name. */
    public String id() {
        return trusted.id();
    }

    /** The public half, which consumers trust. */
    public TrustedKey publicKey() {
        return trusted;
    }

    /** The 64-byte Ed25519 signature of {@code content} (Bouncy Castle's: see the parent pom for why). */
    byte[] sign(byte[] content) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, trusted.raw(), 0, content, 0, content.length, signature, 0);
        return signature;
    }
}
