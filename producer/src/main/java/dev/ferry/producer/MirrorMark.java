package dev.ferry.producer;

import java.time.Instant;
import java.util.Objects;

/**
 * Why and when a producer dropped a mirror: its queue was removed because nobody consumed it and its
 * backlog passed the limit, so the mirror has missed what was published since and needs a repair.
 *
 * @param droppedAt    when the queue was removed
 * @param backlogBytes about how many bytes waited on it then
 * @param limitBytes   the backlog limit it passed
 */
public record MirrorMark(Instant droppedAt, long backlogBytes, long limitBytes) {

    public MirrorMark {
        Objects.requireNonNull(droppedAt, "when the mirror was dropped");
    }
}
