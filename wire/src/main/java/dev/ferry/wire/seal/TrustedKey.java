package dev.ferry.wire.seal;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;

/** A producer's public Ed25519 key, which a consumer trusts to sign what it applies. */
public record TrustedKey(String id, PublicKey key) {

    static TrustedKey of(PublicKey key) {
        return new TrustedKey(KeyId.of(key.getEncoded()), key);
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

    /** Whether {@code signature} is this key's signature of {@code content}. */
    boolean verifies(byte[] content, byte[] signature) {
        try {
            Signature check = Signature.getInstance("Ed25519");
            check.initVerify(key);
            check.update(content);
            return check.verify(signature);
        } catch (SignatureException e) {
            return false; // a signature of the wrong length, say
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("verifying with Ed25519 key " + id, e);
        }
    }

    @Override
    public String toString() {
        return "Ed25519 key " + id;
    }
}
