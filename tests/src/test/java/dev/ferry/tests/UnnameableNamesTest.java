package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A name whose bytes are not valid UTF-8 (Latin-1, as an old archive leaves it) cannot be carried:
 * the user learns of it at once, from the producer's warning, its summary and {@code ferry status},
 * and {@code ferry verify} lists it as not compared, while everything else is mirrored.
 */
@Timeout(value = 2, unit = MINUTES)
class UnnameableNamesTest {

    private static final Duration RUN = Duration.ofSeconds(60);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aNameThatIsNotUtf8IsNamedByItsBytesCountedAndListedAsNotCompared() throws Exception {
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.directory("destination");
        Command.run(source, Duration.ofSeconds(10), "sh", "-c",
                "mkdir old && touch \"$(printf 'old/caf\\351.txt')\" \"$(printf 'na\\357ve\\nline.txt')\"").orFail();

        FerryProcess once = ferry.producer(source, "--once");
        once.waitForSuccess(RUN);
        FerryProcess drain = ferry.consumer(destination, "--drain");
        drain.waitForSuccess(RUN);

        assertThat(once.stdout()).as(once.logTail()).contains("; 2 names not mirrored (not valid UTF-8)");
        assertThat(once.stderr()).as(once.logTail())
                .contains("skipping \"old/caf\\xe9.txt\": its name is not valid UTF-8, so it cannot be mirrored")
                .contains("skipping \"na\\xefve\\nline.txt\": its name is not valid UTF-8");
        FerryProcess status = ferry.start("status", "--broker", ferry.brokerUrl());
        status.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        assertThat(status.stdout()).containsPattern("(?m)^producer .*; 2 names not mirrored \\(not valid UTF-8\\)$");

        FerryProcess verify = ferry.start("verify", "--source", source.toString(), "--dest", destination.toString());
        assertThat(verify.waitForExit(RUN)).as(verify.logTail()).isZero();
        assertThat(verify.stderr().lines().filter(line -> line.startsWith("ferry: not compared: ")).toList())
                .containsExactlyInAnyOrderElementsOf(List.of(
                        "ferry: not compared: na\\xefve\\nline.txt (on source: its name is not valid UTF-8, which Ferry cannot carry)",
                        "ferry: not compared: old/caf\\xe9.txt (on source: its name is not valid UTF-8, which Ferry cannot carry)"));
        assertThat(TreeSnapshot.of(destination).paths()).contains("old", TestTrees.ASTRAL_NAME)
                .noneMatch(path -> path.startsWith("old/") || path.contains("\uFFFD"));
    }
}
