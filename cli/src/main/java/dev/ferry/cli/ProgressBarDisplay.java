package dev.ferry.cli;

import java.io.PrintStream;
import java.text.DecimalFormat;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress on a terminal: a live bar (me.tongfei:progressbar) at the bottom of stderr, with the
 * rate and the time left, while log lines scroll above it ({@link StickyLine}). The bar measures
 * bytes when the total of bytes is known (a sync), else the units (the messages of a drain); the
 * other count stands beside it.
 */
final class ProgressBarDisplay implements ProgressDisplay {

    private static final long MIB = 1024 * 1024;

    private final StickyLine sticky;
    private final ProgressBar bar;
    private final boolean byBytes;

    ProgressBarDisplay(String task, boolean byBytes, PrintStream terminal) {
        this.byBytes = byBytes;
        this.sticky = StickyLine.install(terminal);
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1)
                .setUpdateIntervalMillis((int) ProgressReporter.TICK.toMillis())
                .setUnit(byBytes ? " MiB" : " messages", byBytes ? MIB : 1)
                .showSpeed(new DecimalFormat("0.0")).setConsumer(new OnStickyLine(terminal, sticky)).build();
    }

    @Override
    public void update(Progress progress) {
        long total = byBytes ? progress.totalBytes() : progress.total();
        long done = byBytes ? progress.bytes() : progress.done();
        if (total > 0) {
            bar.maxHint(Math.max(total, done));
        }
        bar.stepTo(done);
        // The library puts the message right after the speed, with no space between.
        bar.setExtraMessage(" " + besideTheBar(progress));
    }

    /** The count the bar does not measure: "1152/1500 files" beside bytes, "41.6 MiB" beside messages. */
    private String besideTheBar(Progress progress) {
        if (!byBytes) {
            return Summaries.bytes(progress.bytes());
        }
        return progress.done() + (progress.total() >= 0 ? "/" + progress.total() : "") + " " + progress.unit();
    }

    @Override
    public void finish(Progress progress) {
        update(progress);
        bar.close();
    }

    /** The library's console consumer (its width, its rendering), drawing on the sticky line. */
    private static final class OnStickyLine extends ConsoleProgressBarConsumer {
        private final StickyLine sticky;

        OnStickyLine(PrintStream terminal, StickyLine sticky) {
            super(terminal);
            this.sticky = sticky;
        }

        @Override
        public void accept(String rendered) {
            sticky.show(rendered);
        }

        @Override
        public void close() {
            sticky.release();
        }
    }
}
