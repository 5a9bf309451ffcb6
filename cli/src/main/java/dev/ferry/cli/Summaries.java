package dev.ferry.cli;

import dev.ferry.consumer.ApplySummary;
import dev.ferry.monitor.ConsumerTally;
import dev.ferry.monitor.ProducerTally;
import dev.ferry.producer.PublishSummary;
import dev.ferry.wire.FileNames;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The one-line summaries every long command ends with: what it did (files, bytes), how long it
 * took and how fast it went.
 */
final class Summaries {

    private Summaries() {
    }

    /** Prints {@code line} on {@code out} (stdout: a command's report) at once. */
    static void print(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    /**
     * "published 12 events (10 files, 39.0 MiB of files, 12.4 MiB sent) in 5.2 s (1.9 files/s, 7.5 MiB/s)":
     * what was sent is what the bodies took through the broker, compressed where that paid.
     */
    static String of(PublishSummary summary) {
        return published(summary.events(), summary.files(), summary.bytes(), summary.wireBytes(), summary.elapsed());
    }

    static String of(ProducerTally.Snapshot tally, Duration elapsed) {
        return published(tally.events(), tally.files(), tally.bytes(), tally.wireBytes(), elapsed)
                + namesNotMirrored(tally.unnameable());
    }

    /** A {@code producer --once} summary, with the names it found that it cannot publish. */
    static String of(PublishSummary summary, ProducerTally.Snapshot tally) {
        return of(summary) + namesNotMirrored(tally.unnameable());
    }

    /**
     * "; 2 names not mirrored (not valid UTF-8)", or nothing when there are none: the producer
     * warned of each, and this says that it did.
     */
    static String namesNotMirrored(long count) {
        return count == 0 ? "" : "; " + count + (count == 1 ? " name" : " names") + " not mirrored (not valid "
                + FileNames.ENCODING + ")";
    }

    /**
     * "applied 1200 events from 250 messages (1000 files, 39.0 MiB of files, 12.4 MiB received),
     * 0 dead-lettered, in 5.2 s (192 files/s, 7.5 MiB/s)": events and messages are counted apart,
     * since a message carries one event or a bundle of up to 256 small files; what was received is
     * what the messages' bodies took through the broker, compressed where they were.
     */
    static String of(ApplySummary summary, ConsumerTally.Snapshot tally) {
        return applied(summary.applied(), summary.messages(), tally.files(), tally.bytes(), tally.wireBytes(),
                summary.deadLettered(), summary.elapsed());
    }

    static String of(ConsumerTally.Snapshot tally, Duration elapsed) {
        return applied(tally.events(), tally.messages(), tally.files(), tally.bytes(), tally.wireBytes(),
                tally.deadLettered(), elapsed);
    }

    private static String published(long events, long files, long bytes, long wireBytes, Duration elapsed) {
        return "published " + events + " events (" + files + " files, " + bytes(bytes) + " of files, "
                + bytes(wireBytes) + " sent) in " + seconds(elapsed) + " " + rates(files, bytes, elapsed);
    }

    private static String applied(long events, long messages, long files, long bytes, long wireBytes,
                                  long deadLettered, Duration elapsed) {
        return "applied " + events + " events from " + messages + " messages (" + files + " files, " + bytes(bytes)
                + " of files, " + bytes(wireBytes) + " received), " + deadLettered + " dead-lettered, in "
                + seconds(elapsed) + " " + rates(files, bytes, elapsed);
    }

    /** "(1.9 files/s, 7.5 MiB/s)". */
    private static String rates(long files, long bytes, Duration elapsed) {
        double secondsTaken = Math.max(elapsed.toMillis(), 1) / 1000.0;
        return "(" + ProgressLine.rate(files / secondsTaken) + " files/s, " + bytes((long) (bytes / secondsTaken))
                + "/s)";
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
