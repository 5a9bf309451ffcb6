package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A long {@code producer --once} whose output is no terminal (a file, here) logs a progress line
 * every 5 s instead of drawing a bar, and ends with its one-line summary on stdout. The run is made
 * long by freezing the broker (SIGSTOP) while the producer publishes.
 */
@Timeout(value = 3, unit = MINUTES)
class ProgressOutputTest {

    private static final int FILES = 3000;
    private static final Duration STARTING = Duration.ofSeconds(60);
    private static final Duration PROGRESS_LINE = Duration.ofSeconds(30);
    private static final Duration FINISHING = Duration.ofSeconds(90);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aOnceRunLogsAProgressLineEveryFiveSecondsAndEndsWithASummary() throws Exception {
        Path source = TestTrees.manySmallFiles(ferry.directory("source"), FILES);
        FerryProcess broker = ferry.broker();

        FerryProcess producer = ferry.producer(source, "--once");
        producer.waitForLog(" Producer - publishing ", 1, STARTING);
        signal("STOP", broker);
        try {
            producer.waitForLog(" Progress - synced \\d+/" + FILES + " files, [0-9.]+/[0-9.]+ (KiB|MiB), "
                    + "[0-9.]+ files/s", 1, PROGRESS_LINE);
        } finally {
            signal("CONT", broker);
        }

        assertThat(producer.waitForExit(FINISHING)).as(producer.logTail()).isZero();
        assertThat(producer.stdout().lines()).as(producer.logTail()).singleElement().asString()
                .matches("published " + FILES + " events \\(" + FILES + " files, [0-9.]+ (KiB|MiB) of files, "
                        + "[0-9.]+ (bytes|KiB|MiB) sent\\) in [0-9.]+ s "
                        + "\\([0-9.]+ files/s, [0-9.]+ (bytes|KiB|MiB)/s\\)");
        assertThat(producer.stderr()).as("no bar drawn where there is no terminal").doesNotContain("\r");
    }

    private static void signal(String signal, FerryProcess process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -%s %s", signal, process).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %s", signal, process).isZero();
    }
}
