package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's first command: everything in one process, from an initial copy to Ctrl-C. */
@Timeout(value = 2, unit = MINUTES)
class UpCommandTest {

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void upCopiesTheTreeFollowsChangesAndStopsCleanlyOnSigterm() throws Exception {
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.workspace().resolve("destination"); // up creates it
        Path data = ferry.workspace().resolve("data");

        FerryProcess up = ferry.start("up", "--source", source.toString(), "--dest", destination.toString(),
                "--data", data.toString(), "--listen", "tcp://127.0.0.1:" + FreePorts.next());
        up.waitForOutput("broker listening on", FerryHarness.BROKER_START);
        Convergence.await(source, destination, Duration.ofSeconds(60), up);

        Files.writeString(source.resolve("added while up.txt"), "live");
        Files.move(source.resolve("docs/guide"), source.resolve("guide-moved"));
        Convergence.await(source, destination, Duration.ofSeconds(30), up);

        up.close(); // SIGTERM, as Ctrl-C would
        assertThat(up.waitForExit(Duration.ofSeconds(15))).as("exit status after SIGTERM").isZero();
        assertThat(data.resolve("broker")).as("broker data under --data").isDirectory();
    }
}
