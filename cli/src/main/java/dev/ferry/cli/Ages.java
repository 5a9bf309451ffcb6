package dev.ferry.cli;

import java.time.Duration;
import java.util.Locale;

/** Ages and delays as people read them: "0.3 s", "42 s", "3 min 05 s", "2 h 10 min", "3 d 4 h". */
final class Ages {

    private Ages() {
    }

    static String of(Duration age) {
        Duration positive = age.isNegative() ? Duration.ZERO : age;
        long millis = positive.toMillis();
        if (millis < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        if (positive.toDays() > 0) {
            return positive.toDays() + " d " + positive.toHoursPart() + " h";
        }
        return ProgressLine.duration(positive);
    }

    static double seconds(Duration age) {
        return Math.round(age.toMillis() / 100.0) / 10.0;
    }
}
