package dev.ferry.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the progress of a long command while it runs: asks its {@link ProgressSource} how far it
 * is every {@link #TICK} and hands that to the display the mode asks for, a live bar on a
 * terminal or a line every few seconds in the log. It ends when the command calls
 * {@link #finish()}, or when the source says the work is done, which is then told to
 * {@code whenFinished}.
 */
final class ProgressReporter implements AutoCloseable {

    static final Duration TICK = Duration.ofMillis(250);
    private static final Logger log = LoggerFactory.getLogger("dev.ferry.cli.Progress");

    private final ProgressDisplay display; // null: show nothing
    private final ProgressSource source;
    private final Clock clock;
    private final Instant started;
    private final Consumer<Progress> whenFinished;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "ferry-progress");
        thread.setDaemon(true);
        return thread;
    });
    private boolean finished; // Guarded by this.

    ProgressReporter(ProgressDisplay display, ProgressSource source, Clock clock, Consumer<Progress> whenFinished) {
        this.display = display;
        this.source = source;
        this.clock = clock;
        this.started = clock.instant();
        this.whenFinished = whenFinished;
    }

    /**
     * Starts showing {@code source}'s progress as {@code mode} says.
     *
     * @param task    the bar's title ("sync", "drain")
     * @param byBytes whether the bar measures bytes rather than units
     */
    static ProgressReporter start(ProgressMode mode, String task, boolean byBytes, ProgressSource source,
                                  Clock clock, Consumer<Progress> whenFinished) {
        ProgressDisplay display = switch (mode.resolve()) {
            case BAR -> new ProgressBarDisplay(task, byBytes, System.err);
            case LINES -> new ProgressLines(log::info);
            default -> null;
        };
        ProgressReporter reporter = new ProgressReporter(display, source, clock, whenFinished);
        reporter.ticker.scheduleWithFixedDelay(reporter::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return reporter;
    }

    /** One look at the source: shows how far it is, or ends when it is done. */
    synchronized void tick() {
        if (finished) {
            return;
        }
        if (source.finished()) {
            whenFinished.accept(finish());
        } else if (display != null) {
            display.update(now());
        }
    }

    /** Stops showing progress (a bar stays on the terminal at its last state) and returns the last. */
    synchronized Progress finish() {
        Progress last = now();
        if (!finished) {
            finished = true;
            ticker.shutdown();
            if (display != null) {
                display.finish(last);
            }
        }
        return last;
    }

    @Override
    public void close() {
        finish();
    }

    private Progress now() {
        return source.at(Duration.between(started, clock.instant()));
    }
}
