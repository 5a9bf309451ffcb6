package dev.ferry.wire.seal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM from the JDK, each sealing under a fresh random 96-bit nonce that leads its output:
 * NIST's bound for random nonces is 2^32 sealings per key, some 136 years at 1,000 messages a second.
 */
final class Aead {

    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    Aead(SecretKeySpec key) {
        this.key = key;
    }

    /**
     * The nonce, then the ciphertext and tag of {@code header} followed by {@code length} bytes of
     * {@code body} from {@code offset}: one array, written once (a 4 MiB chunk is not copied to
     * join its header).
     */
    byte[] seal(byte[] header, byte[] body, int offset, int length, byte[] associated) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(associated);
            byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(header.length + length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            int written = cipher.update(header, 0, header.length, sealed, NONCE_BYTES);
            written += cipher.doFinal(body == null ? new byte[0] : body, offset, length, sealed, NONCE_BYTES + written);
            if (written != sealed.length - NONCE_BYTES) {
                throw new IllegalStateException("AES-GCM wrote " + written + " bytes, not " + (sealed.length - NONCE_BYTES));
            }
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encrypting with AES-256-GCM", e);
        }
    }

    /**
     * The plaintext {@link #seal} sealed into the {@code length} bytes of {@code sealed} from
     * {@code offset}, or null when it does not open: too short, altered, sealed under other
     * associated data or another key.
     */
    byte[] open(byte[] sealed, int offset, int length, byte[] associated) {
        if (length < NONCE_BYTES + TAG_BYTES) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, offset, NONCE_BYTES));
            cipher.updateAAD(associated);
            return cipher.doFinal(sealed, offset + NONCE_BYTES, length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decrypting with AES-256-GCM", e);
        }
    }
}
