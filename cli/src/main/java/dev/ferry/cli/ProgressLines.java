package dev.ferry.cli;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Progress for logs and pipes: a line every {@link #EVERY} ("synced 1200/10000 files, 4.7/39.0
 * MiB, 800 files/s, ETA 11 s"), nothing in between, and nothing at the end, where the command
 * prints its summary.
 */
final class ProgressLines implements ProgressDisplay {

    static final Duration EVERY = Duration.ofSeconds(5);

    private final Consumer<String> out;
    private Duration lastShown = Duration.ZERO;

    ProgressLines(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public void update(Progress progress) {
        if (progress.elapsed().minus(lastShown).compareTo(EVERY) >= 0) {
            lastShown = progress.elapsed();
            out.accept(ProgressLine.of(progress));
        }
    }

    @Override
    public void finish(Progress progress) {
        // The command's summary says how it ended.
    }
}
