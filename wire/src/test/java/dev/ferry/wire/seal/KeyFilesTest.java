package dev.ferry.wire.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

    @TempDir
    Path dir;

    private static boolean runningAsRoot() throws Exception {
        Path probe = Files.createTempFile("owner", ".probe");
        try {
            return Files.getOwner(probe).getName().equals("root");
        } finally {
            Files.delete(probe);
        }
    }

    @Test
    void aSigningKeyIsWrittenOwnerOnlyAndReadBackWhole() throws Exception {
        SigningKey key = SigningKey.generate();
        Path secret = dir.resolve("producer.key");
        Path pub = dir.resolve("producer.key.pub");
        key.write(secret, pub);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n").doesNotContain("PRIVATE");
        SigningKey read = SigningKey.read(secret);
        assertThat(read.id()).isEqualTo(key.id());
        assertThat(TrustedKey.read(pub).id()).isEqualTo(key.id());
        assertThatThrownBy(() -> TrustedKey.read(secret)).as("a mirror is given the .pub, never the private key")
                .isInstanceOf(KeyFileException.class).hasMessageContaining("holds a producer's private key")
                .hasMessageContaining("producer.key.pub");
        byte[] content = "content".getBytes(StandardCharsets.US_ASCII);
        assertThat(TrustedKey.read(pub).verifies(content, read.sign(content))).isTrue();
    }

    @Test
    void aKeyIsNeverOverwritten() throws Exception {
        Path secret = dir.resolve("stream.key");
        EncryptionKey first = EncryptionKey.generateInto(secret);

        assertThatThrownBy(() -> EncryptionKey.generateInto(secret)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(EncryptionKey.read(secret).id()).isEqualTo(first.id());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    }

    @Test
    void aSecretKeyOthersMayReadIsRefused() throws Exception {
        Path secret = dir.resolve("stream.key");
        EncryptionKey.generateInto(secret);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> EncryptionKey.read(secret)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("may be used by others (mode rw-r--r--)")
                .hasMessageContaining("chmod 600");

        // Readable by its group: allowed only when root owns the file (the service's group reads it).
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        if (runningAsRoot()) {
            assertThat(EncryptionKey.read(secret)).isNotNull();
        } else {
            assertThatThrownBy(() -> EncryptionKey.read(secret)).isInstanceOf(KeyFileException.class);
        }
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw----r--"));
        assertThatThrownBy(() -> EncryptionKey.read(secret)).isInstanceOf(KeyFileException.class);
    }

    @Test
    void whatIsNoKeySaysSoNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.key");
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello");
        Files.setPosixFilePermissions(text, PosixFilePermissions.fromString("rw-------"));
        Path stream = dir.resolve("stream.key");
        EncryptionKey.generateInto(stream);

        assertThatThrownBy(() -> SigningKey.read(missing)).hasMessage("signing key " + missing + " does not exist");
        assertThatThrownBy(() -> SigningKey.read(text)).hasMessageContaining(text + " is not a signing key");
        assertThatThrownBy(() -> SigningKey.read(stream)).as("an encryption key is no signing key")
                .isInstanceOf(KeyFileException.class);
        assertThatThrownBy(() -> TrustedKeys.read(List.of(stream))).isInstanceOf(KeyFileException.class);
        assertThatThrownBy(() -> EncryptionKey.read(text)).hasMessageContaining("is not an encryption key");
    }

    @Test
    void aKeyFileWhoseHalvesDoNotBelongTogetherIsRefused() throws Exception {
        Path one = dir.resolve("one.key");
        Path two = dir.resolve("two.key");
        SigningKey.generate().write(one, dir.resolve("one.key.pub"));
        SigningKey.generate().write(two, dir.resolve("two.key.pub"));
        String first = Files.readString(one);
        String second = Files.readString(two);
        Path mixed = dir.resolve("mixed.key");
        Files.writeString(mixed, first.substring(0, first.indexOf("-----BEGIN PUBLIC KEY-----"))
                + second.substring(second.indexOf("-----BEGIN PUBLIC KEY-----")));
        Files.setPosixFilePermissions(mixed, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> SigningKey.read(mixed)).hasMessageContaining("do not belong together");
    }

    @Test
    void aSecretKeyIsOwnerOnlyOrReadableByItsGroupWhenRootOwnsIt() {
        assertThat(KeyFiles.isPrivate("ferry", PosixFilePermissions.fromString("rw-------"))).isTrue();
        assertThat(KeyFiles.isPrivate("ferry", PosixFilePermissions.fromString("r--------"))).isTrue();
        assertThat(KeyFiles.isPrivate("ferry", PosixFilePermissions.fromString("rw-r-----"))).isFalse();
        assertThat(KeyFiles.isPrivate("root", PosixFilePermissions.fromString("rw-r-----"))).isTrue();
        assertThat(KeyFiles.isPrivate("root", PosixFilePermissions.fromString("rw-rw----"))).isFalse();
        assertThat(KeyFiles.isPrivate("root", PosixFilePermissions.fromString("rw----r--"))).isFalse();
        assertThat(KeyFiles.isPrivate("ferry", PosixFilePermissions.fromString("rwx------"))).isFalse();
    }

    @Test
    void aKeyOpensslMadeWithoutItsPublicHalfSaysHowToAppendIt() throws Exception {
        SigningKey key = SigningKey.generate();
        key.write(dir.resolve("k"), dir.resolve("k.pub"));
        String both = Files.readString(dir.resolve("k"));
        Path onlyPrivate = dir.resolve("openssl.key");
        Files.writeString(onlyPrivate, both.substring(0, both.indexOf("-----BEGIN PUBLIC KEY-----")));
        Files.setPosixFilePermissions(onlyPrivate, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> SigningKey.read(onlyPrivate)).hasMessageContaining("openssl pkey -in KEY -pubout >> KEY");
        Path notAKey = dir.resolve("notes.pub");
        Files.writeString(notAKey, "hello");
        assertThatThrownBy(() -> TrustedKey.read(notAKey)).as("no OpenSSL hint where it does not apply")
                .hasMessageNotContaining("openssl");
    }

    @Test
    void signaturesAreRfc8032Ed25519AsTheJdkMakesAndChecksThem() throws Exception {
        // Signing is Bouncy Castle's; the JDK's own Ed25519, which Ferry did not write either, judges it.
        SigningKey key = SigningKey.generate();
        key.write(dir.resolve("k"), dir.resolve("k.pub"));
        byte[] content = "what a producer signs".getBytes(StandardCharsets.US_ASCII);

        java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
        jdk.initVerify(TrustedKey.read(dir.resolve("k.pub")).key());
        jdk.update(content);
        assertThat(jdk.verify(key.sign(content))).as("the JDK checks Ferry's signature").isTrue();

        java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(content);
        byte[] made = signer.sign();
        assertThat(TrustedKey.of(pair.getPublic()).verifies(content, made)).as("Ferry checks the JDK's").isTrue();
        made[10] ^= 1;
        assertThat(TrustedKey.of(pair.getPublic()).verifies(content, made)).isFalse();
        assertThat(TrustedKey.of(pair.getPublic()).verifies(content, new byte[12])).as("a short signature").isFalse();
    }
}
