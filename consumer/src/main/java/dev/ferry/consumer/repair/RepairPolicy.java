package dev.ferry.consumer.repair;

import java.time.Duration;
import java.util.Objects;

/**
 * When a consumer asks for a repair besides the times it must (a new destination, a gap in its
 * stream, another stream), and how long it waits for an answer.
 *
 * @param atStart ask once, at the first idle moment ({@code --repair}); a drain then ends only once
 *                the repair is applied
 * @param timeout how long the consumer waits for a sign of its producer while a repair is in flight
 *                before it tells ({@code --repair-timeout}): a drain that asked fails, a consumer
 *                that runs warns and waits on
 * @param every   ask again this long after the last request, at an idle moment, never two at once
 *                ({@code --repair-every}); null for never
 */
public record RepairPolicy(boolean atStart, Duration timeout, Duration every) {

    /** How long a consumer waits for its producer's answer unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /** Ask only when a repair is needed, and wait for an answer 10 minutes before telling. */
    public static final RepairPolicy DEFAULT = new RepairPolicy(false, DEFAULT_TIMEOUT, null);

    public RepairPolicy {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the repair timeout must be positive, got " + timeout);
        }
        if (every != null && (every.isNegative() || every.isZero())) {
            throw new IllegalArgumentException("the repair period must be positive, got " + every);
        }
    }
}
