package dev.ferry.cli;

import java.time.Duration;
import java.util.Locale;

/** The one-line form of {@link Progress}: "synced 1200/10000 files, 4.7/39.0 MiB, 800 files/s, ETA 11 s". */
final class ProgressLine {

    private ProgressLine() {
    }

    static String of(Progress progress) {
        StringBuilder line = new StringBuilder(progress.verb()).append(' ').append(progress.done());
        if (progress.total() >= 0) {
            line.append('/').append(progress.total());
        }
        line.append(' ').append(progress.unit()).append(", ");
        if (progress.totalBytes() >= 0) {
            line.append(bytesOf(progress.bytes(), progress.totalBytes()));
        } else {
            line.append(Summaries.bytes(progress.bytes()));
        }
        line.append(", ").append(rate(progress.rate())).append(' ').append(progress.unit()).append("/s");
        Duration eta = progress.eta();
        if (eta != null) {
            line.append(", ETA ").append(duration(eta));
        }
        return line.toString();
    }

    /** "4.7/39.0 MiB": both in the unit that suits the total. */
    static String bytesOf(long done, long total) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (total < 1024) {
            return done + "/" + total + " bytes";
        }
        double divisor = 1024;
        int unit = 0;
        while (total / divisor >= 1024 && unit < units.length - 1) {
            divisor *= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f/%.1f %s", done / divisor, total / divisor, units[unit]);
    }

    static String rate(double perSecond) {
        return perSecond >= 10 || perSecond == 0 ? Long.toString(Math.round(perSecond))
                : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /** "11 s", "4 min 05 s", "2 h 10 min". */
    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }
}
