package dev.ferry.cli;

import dev.ferry.monitor.ProducerTally;
import java.time.Duration;

/**
 * How far a producer's sync is: file bodies and bytes published of those its comparisons found
 * to publish. A watching producer's initial sync is done once it caught up.
 */
final class SyncProgress implements ProgressSource {

    private final ProducerTally tally;
    private final boolean endsWhenCaughtUp;

    SyncProgress(ProducerTally tally, boolean endsWhenCaughtUp) {
        this.tally = tally;
        this.endsWhenCaughtUp = endsWhenCaughtUp;
    }

    @Override
    public Progress at(Duration elapsed) {
        ProducerTally.Snapshot now = tally.snapshot();
        // The total is an upper bound (a rename sends no body): never show less to do than done.
        return new Progress("synced", "files", now.files(), Math.max(now.filesToSend(), now.files()), now.bytes(),
                Math.max(now.bytesToSend(), now.bytes()), elapsed);
    }

    @Override
    public boolean finished() {
        return endsWhenCaughtUp && tally.snapshot().caughtUp();
    }
}
