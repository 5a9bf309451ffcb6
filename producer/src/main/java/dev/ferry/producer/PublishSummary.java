package dev.ferry.producer;

import java.time.Duration;

/**
 * What one {@link Producer#publishOnce()} published, counting only what the broker committed.
 *
 * @param events  changes published: file bodies, directories, symlinks, deletes and renames
 *                (the chunks of a body count as one change)
 * @param files   file bodies published
 * @param bytes   file body bytes published
 * @param wireBytes what those bodies took through the broker: message body bytes, compressed where
 *                they were
 * @param elapsed how long the run took
 */
public record PublishSummary(long events, long files, long bytes, long wireBytes, Duration elapsed) {
}
