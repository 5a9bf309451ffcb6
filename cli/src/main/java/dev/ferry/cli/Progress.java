package dev.ferry.cli;

import java.time.Duration;

/**
 * How far a long command is, at one moment: what the progress bar and the periodic line show.
 *
 * @param verb       what is being done, in the past tense ("synced", "applied")
 * @param unit       what is counted ("files", "messages")
 * @param done       how many are done
 * @param total      how many there are in all, or -1 while unknown
 * @param bytes      bytes done
 * @param totalBytes bytes in all, or -1 when unknown
 * @param elapsed    time since the command began
 */
record Progress(String verb, String unit, long done, long total, long bytes, long totalBytes, Duration elapsed) {

    /** Whether the bytes, rather than the units, measure how far it is. */
    boolean byBytes() {
        return totalBytes > 0;
    }

    /** Units a second so far. */
    double rate() {
        return perSecond(done);
    }

    /** Bytes a second so far. */
    double byteRate() {
        return perSecond(bytes);
    }

    /** How long the rest should take at the rate so far, or {@code null} when there is no telling. */
    Duration eta() {
        if (byBytes()) {
            return remaining(totalBytes - bytes, byteRate());
        }
        return total > 0 ? remaining(total - done, rate()) : null;
    }

    private double perSecond(long amount) {
        long millis = elapsed.toMillis();
        return millis <= 0 ? 0 : amount * 1000.0 / millis;
    }

    private static Duration remaining(long left, double rate) {
        if (rate <= 0) {
            return null;
        }
        return Duration.ofMillis((long) (Math.max(0, left) / rate * 1000));
    }
}
