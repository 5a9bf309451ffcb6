package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys made as a user makes them, with {@code ferry keygen}, each in a process of its own: a
 * producer's signing key pair ({@code NAME.key}, secret, and {@code NAME.key.pub}) or a stream's
 * encryption key ({@code NAME.key}).
 */
final class Keygen {

    private static final Duration KEYGEN = Duration.ofSeconds(30);

    private Keygen() {
    }

    /** The secret key file named {@code name} in {@code dir}: a signing key, or an encryption key. */
    static Path secret(Path dir, String name) {
        return dir.resolve(name + ".key");
    }

    /** The public key beside the signing key {@code secret}: what a consumer trusts. */
    static Path publicOf(Path secret) {
        return secret.resolveSibling(secret.getFileName() + ".pub");
    }

    /**
     * Makes a signing key pair for each of {@code signing} and an encryption key for each of
     * {@code encryption}, in {@code dir}, the processes side by side; checks that each secret file
     * is owner-only.
     */
    static void make(FerryHarness ferry, Path dir, List<String> signing, List<String> encryption) {
        List<FerryProcess> running = new ArrayList<>();
        for (String name : signing) {
            running.add(ferry.start("keygen", secret(dir, name).toString()));
        }
        for (String name : encryption) {
            running.add(ferry.start("keygen", "--encrypt", secret(dir, name).toString()));
        }
        for (FerryProcess keygen : running) {
            keygen.waitForSuccess(KEYGEN);
        }
        for (String name : signing) {
            assertOwnerOnly(secret(dir, name));
            assertThat(publicOf(secret(dir, name))).isRegularFile();
        }
        for (String name : encryption) {
            assertOwnerOnly(secret(dir, name));
        }
    }

    private static void assertOwnerOnly(Path secret) {
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).as("mode of %s", secret)
                    .isEqualTo("rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mode of " + secret, e);
        }
    }
}
