package dev.ferry.cli;

import dev.ferry.wire.DurationText;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value of an option that is a span of time, such as {@code --repair-timeout}: a duration
 * {@link DurationText} reads, longer than nothing; else a usage error saying how to write one.
 */
final class PositiveDuration implements ITypeConverter<Duration> {

    /**
     * Longer than anyone waits for a repair or between two, and short enough that adding it to any
     * instant of this millennium stays an instant (far longer spans threw out of the consumer's loop).
     */
    static final Duration LONGEST = Duration.ofDays(100 * 365);

    @Override
    public Duration convert(String value) {
        Duration duration;
        try {
            duration = DurationText.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
        if (duration.isZero()) {
            throw new TypeConversionException("'" + value + "' is no time at all: give a duration longer than zero");
        }
        if (duration.compareTo(LONGEST) > 0) {
            throw new TypeConversionException("'" + value + "' is longer than 100 years: give a shorter duration");
        }
        return duration;
    }
}
