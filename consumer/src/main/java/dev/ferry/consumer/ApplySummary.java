package dev.ferry.consumer;

import java.time.Duration;

/**
 * What one consumer run did.
 *
 * @param messages     messages taken from the queue
 * @param applied      events that changed the replica (duplicates and stale events excluded)
 * @param deadLettered messages moved to the dead-letter queue
 * @param elapsed      wall time of the run
 */
public record ApplySummary(long messages, long applied, long deadLettered, Duration elapsed) {
}
