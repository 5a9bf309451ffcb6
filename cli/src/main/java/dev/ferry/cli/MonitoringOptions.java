package dev.ferry.cli;

import picocli.CommandLine.Option;

/** The options of the commands that replicate: where to serve metrics and how to show progress. */
final class MonitoringOptions {

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (loopback only).")
    Integer metricsPort;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto", converter = ProgressMode.Converter.class,
            description = "How to show the progress of a sync or drain: auto (a bar when stderr is a terminal, "
                    + "else a line every 5 s in the log), bar, lines or none (default: ${DEFAULT-VALUE}).")
    ProgressMode progress;

    /** The port to serve metrics on, or {@code null} for none. */
    Integer metricsPort() {
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new IllegalArgumentException("metrics port " + metricsPort + " is not between 0 and 65535");
        }
        return metricsPort;
    }

    ProgressMode progress() {
        return progress;
    }
}
