package dev.ferry.cli;

import dev.ferry.wire.seal.EncryptionKey;
import dev.ferry.wire.seal.Seal;
import dev.ferry.wire.seal.TrustedKeys;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The stream's encryption key, for every command that sends, applies or shows its messages. */
final class EncryptKeyOption {

    @Option(names = "--encrypt-key", paramLabel = "KEYFILE",
            description = "The stream's encryption key (ferry keygen --encrypt), the same file on the producer and "
                    + "every mirror: names and contents travel encrypted (AES-256-GCM), and what is not encrypted "
                    + "with it is refused.")
    Path file;

    /** The key, or null when none is given. A key file that cannot be used is a usage error (exit 2). */
    EncryptionKey key(CommandSpec spec) {
        return file == null ? null : KeyFileArguments.read(spec, () -> EncryptionKey.read(file));
    }

    /**
     * How a command that only looks at the stream {@code queue} (status, dead letters) opens what
     * is encrypted: with the key when given, checking no signature.
     */
    Seal viewer(CommandSpec spec, String queue) {
        return Seal.of(queue, null, TrustedKeys.NONE, key(spec));
    }
}
