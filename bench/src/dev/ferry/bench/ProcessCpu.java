package dev.ferry.bench;

/**
 * The CPU time a process has used so far: user plus system time of all its threads, the kernel's
 * {@code utime + stime} in {@code /proc/PID/stat}.
 *
 * <p>Not {@code /proc/PID/schedstat}, although its nanoseconds are finer than stat's clock ticks
 * (10 ms at the usual {@code CLK_TCK} of 100): schedstat counts the thread group leader alone, and a
 * JVM's leader is the launcher thread that only waits for {@code main} (a JVM that had spun a
 * thread for a second showed 2.05 s in stat, 0.011 s in schedstat). stat sums every thread, the
 * ended ones included, and a tick is small against the seconds a run takes.
 *
 * <p>Read through {@link ProcessHandle.Info#totalCpuDuration()}, which on Linux is that sum divided
 * by {@code sysconf(_SC_CLK_TCK)}: so no {@code getconf} to run, and no parsing of stat's command
 * name field, which may hold spaces and parentheses.
 */
final class ProcessCpu {

    private ProcessCpu() {
    }

    /** Seconds of CPU the process has used since it started, or NaN once it is gone. */
    static double seconds(Launched process) {
        return ProcessHandle.of(process.pid())
                .flatMap(handle -> handle.info().totalCpuDuration())
                .map(cpu -> cpu.toNanos() / 1e9)
                .orElse(Double.NaN);
    }
}
