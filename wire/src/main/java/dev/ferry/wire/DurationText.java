package dev.ferry.wire;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write and read them: {@code 10m}, {@code 90s}, {@code 2h}, {@code 1d},
 * {@code 1h30m}, {@code 500ms}, or ISO-8601's {@code PT10M}; said back as "10 min", "1 h 30 min",
 * "1.5 s". Units: {@code ms}, {@code s}, {@code m} or {@code min}, {@code h}, {@code d}, in any case.
 */
public final class DurationText {

    private static final Pattern PART = Pattern.compile("(\\d+)\\s*(ms|s|min|m|h|d)", Pattern.CASE_INSENSITIVE);

    private DurationText() {
    }

    /**
     * The duration {@code text} says.
     *
     * @throws IllegalArgumentException naming the text and how to write a duration, when it is none
     */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                throw notADuration(text);
            }
        }
        Matcher part = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            total = total.plus(unit(part.group(2)).multipliedBy(Long.parseLong(part.group(1))));
            end = part.end();
            while (end < trimmed.length() && trimmed.charAt(end) == ' ') {
                end++;
            }
        }
        if (end == 0 || end != trimmed.length()) {
            throw notADuration(text);
        }
        return total;
    }

    private static Duration unit(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(1);
            case "s" -> Duration.ofSeconds(1);
            case "m", "min" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: write a number and a unit, such as "
                + "30s, 10m, 2h, 1d or 1h30m (ms, s, m or min, h, d)");
    }

    /** {@code duration} in words: "10 min", "1 h 30 min", "2 d 3 h", "45 s"; under 10 s with a fraction, "1.5 s". */
    public static String format(Duration duration) {
        if (duration.toSeconds() < 10 && duration.toMillisPart() != 0) {
            return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
        }
        StringBuilder text = new StringBuilder();
        append(text, duration.toDays(), "d");
        append(text, duration.toHoursPart(), "h");
        append(text, duration.toMinutesPart(), "min");
        append(text, duration.toSecondsPart(), "s");
        return text.isEmpty() ? "0 s" : text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount != 0) {
            text.append(text.isEmpty() ? "" : " ").append(amount).append(' ').append(unit);
        }
    }
}
