package dev.ferry.wire.seal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
        byte[] text = String.join("", blocks).getBytes(StandardCharsets.US_ASCII);
        // One channel, made by this call (CREATE_NEW does not follow a link put in its place), written
        // and forced: no moment when the name could lead elsewhere, and no empty key after a crash.
        try (FileChannel channel = posix
                ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(mode))
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (posix) {
                Files.setPosixFilePermissions(file, mode); // past the umask, which the mode at creation is subject to
            }
            ByteBuffer buffer = ByteBuffer.wrap(text);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
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
            throw new KeyFileException(file + " is not " + article(what) + " (no '" + begin + "' block" + hint(label, what) + ")");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to).trim());
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file + " is not " + article(what) + " (its base64 is broken: " + e.getMessage() + ")");
        }
    }

    /** Whether {@code file} holds a private key: a {@code .pub} was meant, and a mirror must not hold that. */
    static boolean holdsPrivateKey(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).contains("-----BEGIN " + PRIVATE_KEY + "-----");
        } catch (IOException | RuntimeException e) {
            return false; // reading it as a public key will say what is wrong
        }
    }

    private static String article(String what) {
        return (what.startsWith("encryption") ? "an " : "a ") + what;
    }

    /** How to mend a signing key OpenSSL made, which holds no public half; nothing for other keys. */
    private static String hint(String label, String what) {
        return label.equals(PUBLIC_KEY) && what.startsWith("signing key") ? "; a key made by openssl genpkey needs its public half appended: "
                + "openssl pkey -in KEY -pubout >> KEY" : "";
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
        if (!isPrivate(view.getOwner().getName(), mode)) {
            throw new KeyFileException(what + " " + file + " may be used by others (mode "
                    + PosixFilePermissions.toString(mode) + "): a secret key must be owner-only (chmod 600), or 640 if "
                    + "root owns it; make a new key if others could have read this one");
        }
    }

    /** Whether a secret key owned by {@code owner} with {@code mode} is kept as it must be (see {@link #refuseOpen}). */
    static boolean isPrivate(String owner, Set<PosixFilePermission> mode) {
        Set<PosixFilePermission> allowed = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if (owner.equals("root")) {
            allowed.add(PosixFilePermission.GROUP_READ);
        }
        return allowed.containsAll(mode);
    }
}
