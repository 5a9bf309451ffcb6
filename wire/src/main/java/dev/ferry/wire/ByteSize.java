package dev.ferry.wire;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in bytes as people write and read them: {@code 2GiB}, {@code 500MB}, {@code 1.5 GiB},
 * {@code 1048576}. Binary units (KiB, MiB, GiB, TiB) count in 1024s and decimal ones (kB, MB,
 * GB, TB) in 1000s, as their names say; the case of a unit does not matter, and {@code K},
 * {@code M}, {@code G}, {@code T} alone are binary, as in ActiveMQ's own configuration.
 */
public final class ByteSize {

    private static final Pattern SIZE =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)(b?)", Pattern.CASE_INSENSITIVE);
    private static final String[] BINARY_UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private ByteSize() {
    }

    /**
     * The bytes {@code text} says.
     *
     * @throws IllegalArgumentException naming the text and how to write a size, when it is none or
     *                                  is more than a long holds
     */
    public static long parse(String text) {
        Matcher size = SIZE.matcher(text == null ? "" : text.strip());
        if (!size.matches() || !size.group(3).isEmpty() && size.group(2).isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write bytes, or a number and a unit "
                    + "such as 500MB or 2GiB (KiB, MiB, GiB, TiB count in 1024s, kB, MB, GB, TB in 1000s)");
        }
        String prefix = size.group(2).toLowerCase(Locale.ROOT);
        boolean decimal = size.group(3).isEmpty() && !size.group(4).isEmpty();
        long unit = prefix.isEmpty() ? 1 : power(decimal ? 1000 : 1024, "kmgt".indexOf(prefix) + 1);
        double bytes = Double.parseDouble(size.group(1)) * unit;
        if (bytes >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is more bytes than Ferry can count");
        }
        return Math.round(bytes);
    }

    /**
     * {@code bytes} in the largest binary unit that leaves at least 1: "512 bytes", "2 GiB", "1.5 MiB";
     * a whole number of the unit without decimals, any other with one ("2.0 GiB" is a little more
     * than 2 GiB).
     */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        int unit = 0;
        while (unit < BINARY_UNITS.length - 1 && bytes >= power(1024, unit + 2)) {
            unit++;
        }
        long scale = power(1024, unit + 1);
        if (bytes % scale == 0) {
            return bytes / scale + " " + BINARY_UNITS[unit];
        }
        return String.format(Locale.ROOT, "%.1f %s", (double) bytes / scale, BINARY_UNITS[unit]);
    }

    private static long power(long base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= base;
        }
        return result;
    }
}
