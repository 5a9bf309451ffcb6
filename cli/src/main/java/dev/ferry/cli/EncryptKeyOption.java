package dev.ferry.cli;

import dev.ferry.wire.seal.EncryptionKey;
import dev.ferry.wire.seal.KeyFileException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The stream's encryption key, for every command that sends, applies or shows its messages. */
final class EncryptKeyOption {

    @Option(names = "--encrypt-key", paramLabel = "KEYFILE",
            description = "The stream's encryption key (ferry keygen --encrypt), the same file on the producer and "
                    + "every mirror: names and contents travel encrypted (AES-256-GCM), and what is not encrypted "
                    + "with it is refused.")
    Path file;

    /** The key, or null when none is given. A key file that cannot be used is a usage error (exit 2). */
    EncryptionKey key(CommandSpec spec) {
        if (file == null) {
            return null;
        }
        try {
            return EncryptionKey.read(file);
        } catch (KeyFileException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
