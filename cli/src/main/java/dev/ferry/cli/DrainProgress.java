package dev.ferry.cli;

import dev.ferry.monitor.ConsumerTally;
import java.time.Duration;

/** How far a drain is: messages taken off the queue of those waiting when it began (-1: unknown). */
final class DrainProgress implements ProgressSource {

    private final ConsumerTally tally;
    private final long waitingAtStart;

    DrainProgress(ConsumerTally tally, long waitingAtStart) {
        this.tally = tally;
        this.waitingAtStart = waitingAtStart;
    }

    @Override
    public Progress at(Duration elapsed) {
        ConsumerTally.Snapshot now = tally.snapshot();
        long total = waitingAtStart < 0 ? -1 : Math.max(waitingAtStart, now.messages());
        return new Progress("applied", "messages", now.messages(), total, now.bytes(), -1, elapsed);
    }
}
