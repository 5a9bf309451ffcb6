package dev.ferry.monitor;

import java.time.Instant;
import java.util.List;

/**
 * How a queue is doing, as {@code ferry status} shows it.
 *
 * @param broker      the broker asked
 * @param queue       the queue
 * @param deadLetters its dead-letter queue
 * @param processes   the latest heartbeat of every producer and consumer the status topic still
 *                    holds, newest first; {@code null} when they could not be read
 * @param processesUnknownBecause why {@code processes} is {@code null}, else {@code null}
 * @param takenAt     when the report was made
 */
public record StatusReport(String broker, Destination queue, Destination deadLetters, List<Heartbeat> processes,
                           String processesUnknownBecause, Instant takenAt) {

    /**
     * One queue.
     *
     * @param name      its name
     * @param waiting   messages on it not yet consumed
     * @param consumers consumers attached
     * @param oldest    when the oldest message waiting was sent, or {@code null} (empty, or unknown)
     * @param oldestUnknownBecause why the oldest message could not be looked at, else {@code null}
     */
    public record Destination(String name, long waiting, long consumers, Instant oldest, String oldestUnknownBecause) {
    }
}
