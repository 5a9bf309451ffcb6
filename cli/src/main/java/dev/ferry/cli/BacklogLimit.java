package dev.ferry.cli;

import dev.ferry.producer.MirrorBudget;
import dev.ferry.wire.ByteSize;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value of {@code --mirror-backlog-limit}: {@code auto}, or a size ({@link ByteSize}) of at least
 * one byte; else a usage error saying how to write one.
 */
final class BacklogLimit implements ITypeConverter<MirrorBudget> {

    static final String AUTO = "auto";

    @Override
    public MirrorBudget convert(String value) {
        if (AUTO.equals(value)) {
            return MirrorBudget.automatic();
        }
        try {
            return MirrorBudget.of(ByteSize.parse(value));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
