package dev.ferry.cli;

import dev.ferry.consumer.ApplySummary;
import dev.ferry.producer.PublishSummary;
import java.time.Duration;
import java.util.Locale;

/** The one-line summaries of the commands that run once. */
final class Summaries {

    private Summaries() {
    }

    static String of(PublishSummary summary) {
        return "published " + summary.events() + " events (" + summary.files() + " files, "
                + bytes(summary.bytes()) + ") in " + seconds(summary.elapsed());
    }

    static String of(ApplySummary summary) {
        return "applied " + summary.applied() + " of " + summary.messages() + " messages, "
                + summary.deadLettered() + " dead-lettered, in " + seconds(summary.elapsed());
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String seconds(Duration elapsed) {
        return String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0);
    }
}
