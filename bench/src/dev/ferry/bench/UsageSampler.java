package dev.ferry.bench;

import java.time.Duration;

/**
 * What a process that may exit any moment used: samples its VmHWM (the kernel's own high-water
 * mark of its resident set) and its CPU time every 20 ms while it runs. Its CPU has to be caught
 * alive because it is gone with the process's {@code /proc} entry; so the CPU is the last sample,
 * short by at most what the process used in its last 20 ms, and only growth of the resident set in
 * its last 20 ms could be missed.
 */
final class UsageSampler implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofMillis(20);

    private final Launched process;
    private final Thread thread;
    private volatile long peakKib = -1;
    private volatile double cpuSeconds = Double.NaN;
    private volatile boolean stopped;

    private UsageSampler(Launched process) {
        this.process = process;
        this.thread = new Thread(this::sample, "usage-" + process.name());
        thread.setDaemon(true);
    }

    static UsageSampler start(Launched process) {
        UsageSampler sampler = new UsageSampler(process);
        sampler.thread.start();
        return sampler;
    }

    private void sample() {
        while (!stopped && process.isAlive()) {
            peakKib = Math.max(peakKib, process.peakRssKib());
            double cpu = ProcessCpu.seconds(process);
            if (!Double.isNaN(cpu)) {
                cpuSeconds = cpu;
            }
            Launched.pause(PERIOD);
        }
    }

    /** The largest high-water mark seen, in MiB. */
    double peakMib() throws InterruptedException {
        close();
        return peakKib / 1024.0;
    }

    /** The CPU seconds the process had used when last seen alive (NaN if never seen). */
    double cpuSeconds() throws InterruptedException {
        close();
        return cpuSeconds;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(Duration.ofSeconds(5).toMillis());
    }
}
