package dev.ferry.cli;

import dev.ferry.wire.seal.KeyFileException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Reads a key file named by an option: one that cannot be used is a usage error (exit 2), in one line. */
final class KeyFileArguments {

    /** Reads a key, or says why it cannot. */
    interface Read<T> {
        T read() throws KeyFileException;
    }

    private KeyFileArguments() {
    }

    static <T> T read(CommandSpec spec, Read<T> read) {
        try {
            return read.read();
        } catch (KeyFileException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
