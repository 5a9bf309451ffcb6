package dev.ferry.cli;

import dev.ferry.wire.WireFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value of {@code --mirror}: a name {@link WireFormat#checkMirrorName} accepts, else a usage
 * error naming the value and what a mirror name may hold (and, from the environment or a config
 * file, where it came from).
 */
final class MirrorName implements ITypeConverter<String> {

    @Override
    public String convert(String value) {
        try {
            return WireFormat.checkMirrorName(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
