package dev.ferry.cli;

import dev.ferry.wire.seal.EncryptionKey;
import dev.ferry.wire.seal.SigningKey;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Makes the keys that sign and encrypt a stream's messages; never overwrites one. */
@Command(name = "keygen",
        description = {"Make a producer's signing key, or a stream's encryption key.",
                "Without --encrypt: an Ed25519 key pair, FILE (secret, mode 600: the producer's --signing-key) and "
                        + "FILE.pub (public: each consumer's --trust-producer). With --encrypt: a 256-bit key in FILE "
                        + "(secret, mode 600), the same file for the producer and every mirror (--encrypt-key). "
                        + "An existing file is never overwritten."},
        footerHeading = "%nExamples:%n",
        footer = {"  ferry keygen /etc/ferry/photos-signing.key",
                "  ferry keygen --encrypt /etc/ferry/photos-encryption.key"})
final class KeygenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Where to write the secret key (and FILE.pub beside it).")
    Path file;

    @Option(names = "--encrypt", fallbackValue = "true", description = "Make a stream's encryption key instead of a signing key pair.")
    boolean encrypt;

    @Override
    public Integer call() throws Exception {
        Path publicFile = file.resolveSibling(file.getFileName() + ".pub");
        for (Path target : encrypt ? new Path[]{file} : new Path[]{file, publicFile}) {
            if (Files.exists(target)) {
                throw new ParameterException(spec.commandLine(), target + " exists: a key is never overwritten; "
                        + "choose another name, or remove it if no side uses it any more");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (encrypt) {
                EncryptionKey key = EncryptionKey.generateInto(file);
                out.println("encryption key " + key.id() + " in " + file + " (mode 600): copy it to the producer and "
                        + "every mirror of the stream, over a channel you trust, and give each --encrypt-key " + file);
            } else {
                SigningKey key = SigningKey.generate();
                key.write(file, publicFile);
                out.println("signing key " + key.id() + " in " + file + " (mode 600, the producer's --signing-key), "
                        + "its public key in " + publicFile + " (each consumer's --trust-producer)");
            }
        } catch (FileAlreadyExistsException e) {
            throw new ParameterException(spec.commandLine(), e.getFile() + " exists: a key is never overwritten");
        }
        out.flush();
        return 0;
    }
}
