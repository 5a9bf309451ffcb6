package dev.ferry.wire.seal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * Key files: PEM text, as OpenSSL writes and reads them ({@code openssl pkey -in KEY -text} shows
 * an Ed25519 key), so that a key can be inspected and made with tools Ferry did not write. A secret
 * key (a producer's signing key, a stream's encryption key) is written owner-only and refused when
 * others may read it, as ssh refuses an unprotected private key: a key others can read is a key
 * others may have.
 */
public final class KeyFiles {

    /** The PEM label of a PKCS#8 private key ({@code openssl genpkey -algorithm ed25519} writes one). */
    static final String PRIVATE_KEY = "PRIVATE KEY";

    /** The PEM label of an X.509 SubjectPublicKeyInfo ({@code openssl pkey -pubout} writes one). */
    static final String PUBLIC_KEY = "PUBLIC KEY";

    /** The PEM label of a stream's encryption key: 32 random bytes, Ferry's own. */
    static final String ENCRYPTION_KEY = "FERRY ENCRYPTION KEY";

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private KeyFiles() {
    }

    /** {@code der} as a PEM block labelled {@code label}. */
    static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /**
     * Writes {@code blocks} to the new file {@code file}, owner-only if {@code secret}, else
     * readable by all.
     *
     * @throws FileAlreadyExistsException when {@code file} exists: a key is never overwritten
     */
    static void write(Path file, boolean secret, String... blocks) throws IOException {
        Set<PosixFilePermission> mode = secret ? OWNER_ONLY : PosixFilePermissions.fromString("rw-r--r--");
        boolean posix = Files.getFileAttributeView(file.toAbsolutePath().getParent(), PosixFileAttributeView.class) != null;
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(mode));
            Files.setPosixFilePermissions(file, mode); // past the umask, which createFile's mode is subject to
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, String.join("", blocks), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * The DER bytes of the PEM block labelled {@code label} in {@code file}.
     *
     * @throws KeyFileException naming the file and what is wrong with it: missing, unreadable, open
     *                          to others when {@code secret}, or holding no such block
     */
    static byte[] read(Path file, String label, boolean secret, String what) throws KeyFileException {
        String text;
        try {
            if (secret) {
                refuseOpen(file, what);
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new KeyFileException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end, Math.max(from, 0));
        if (from < 0 || to < 0) {
            throw new KeyFileException(file + " is not " + what + " (no '" + begin + "' block)");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to).trim());
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file + " is not " + what + " (its base64 is broken: " + e.getMessage() + ")");
        }
    }

    /**
     * Refuses a secret key others may read. The rule is PostgreSQL's for its TLS key: owner-only
     * (0600 or less), or, when root owns it, readable by its group too (0640), which is how a
     * service's group reads a key root keeps in {@code /etc/ferry}. Never readable by all.
     */
    private static void refuseOpen(Path file, String what) throws IOException, KeyFileException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> mode = view.readAttributes().permissions();
        Set<PosixFilePermission> allowed = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if (view.getOwner().getName().equals("root")) {
            allowed.add(PosixFilePermission.GROUP_READ);
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(mode);
        open.removeAll(allowed);
        if (!open.isEmpty()) {
            throw new KeyFileException(what + " " + file + " may be read or changed by others (mode "
                    + PosixFilePermissions.toString(mode) + "): a secret key must be owner-only (chmod 600), or 640 if "
                    + "root owns it; make a new key if others could have read this one");
        }
    }
}
