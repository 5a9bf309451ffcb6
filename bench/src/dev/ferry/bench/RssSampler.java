package dev.ferry.bench;

import java.time.Duration;

/**
 * The peak resident set of a process that may exit any moment: samples its VmHWM (the kernel's own
 * high-water mark) every 20 ms, so only growth in its last 20 ms could be missed.
 */
final class RssSampler implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofMillis(20);

    private final Launched process;
    private final Thread thread;
    private volatile long peakKib = -1;
    private volatile boolean stopped;

    private RssSampler(Launched process) {
        this.process = process;
        this.thread = new Thread(this::sample, "rss-" + process.name());
        thread.setDaemon(true);
    }

    static RssSampler start(Launched process) {
        RssSampler sampler = new RssSampler(process);
        sampler.thread.start();
        return sampler;
    }

    private void sample() {
        while (!stopped && process.isAlive()) {
            peakKib = Math.max(peakKib, process.peakRssKib());
            Launched.pause(PERIOD);
        }
    }

    /** The largest high-water mark seen, in MiB. */
    double peakMib() throws InterruptedException {
        close();
        return peakKib / 1024.0;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(Duration.ofSeconds(5).toMillis());
    }
}
