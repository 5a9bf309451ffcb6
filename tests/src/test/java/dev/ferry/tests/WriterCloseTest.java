package dev.ferry.tests;

import static dev.ferry.tests.TestTrees.text;
import static dev.ferry.tests.TestTrees.writeText;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 21, as deployed: broker, consumer and producer each a process over TCP, the producer told to
 * wait ten minutes for a file to be left alone (--quiet-period 10m). A file its writer closed reaches
 * the mirror within seconds all the same, whatever its name; a file another process keeps open for
 * writing does not, until that writer ends.
 */
@Timeout(value = 3, unit = MINUTES)
class WriterCloseTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aClosedFileGoesAtOnceAndAFileKeptOpenWaitsForItsWriter() throws Exception {
        Path source = ferry.directory("source");
        Path destination = ferry.directory("destination");
        writeText(source.resolve("docs/readme.txt"), "there from the start\n");
        // Long left alone, as a start-up scan finds most files: a file written a moment ago waits ten minutes.
        Files.setLastModifiedTime(source.resolve("docs/readme.txt"),
                java.nio.file.attribute.FileTime.from(1_600_000_000L, TimeUnit.SECONDS));
        FerryProcess[] running = {ferry.broker(), ferry.consumer(destination),
                ferry.producer(source, "--quiet-period", "10m")};
        Convergence.await(source, destination, WITHIN, running);
        running[2].waitForLog(FerryLog.WATCHING_CLOSES, 1, WITHIN); // From the end of its first comparison on.

        writeText(source.resolve("docs/new 📷 café.txt"), text("closed after writing", 2000));
        writeText(source.resolve("docs/second.bin"), "and another\n");
        Convergence.await(source, destination, WITHIN, running);

        Path held = source.resolve("docs/held.log");
        // A writer in another process that writes a line and keeps the file open.
        Process writer = new ProcessBuilder("sh", "-c", "exec 3>\"$1\"; printf 'first line\\n' >&3; "
                + "echo written; exec sleep 600", "sh", held.toString()).redirectErrorStream(true).start();
        try {
            assertThat(new String(writer.getInputStream().readNBytes("written\n".length()))).isEqualTo("written\n");
            writeText(source.resolve("docs/marker.txt"), "closed after the held file was written\n");
            Path marker = destination.resolve("docs/marker.txt");
            awaitFile(marker, running);
            assertThat(destination.resolve("docs/held.log")).as("open for writing: not sent").doesNotExist();
        } finally {
            writer.destroyForcibly(); // Its end closes the file: the kernel reports the close.
            writer.waitFor(30, TimeUnit.SECONDS);
        }
        Convergence.await(source, destination, WITHIN, running);
        assertThat(destination.resolve("docs/held.log")).hasContent("first line");
        if (Rsync.judges(ferry.workspace(), "WriterCloseTest")) {
            assertThat(Rsync.itemizedChanges(ferry.workspace(), source, destination)).isEmpty();
        }
    }

    private static void awaitFile(Path file, FerryProcess... running) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!Files.exists(file)) {
            for (FerryProcess process : running) {
                assertThat(process.isAlive()).as(process.name() + " runs").isTrue();
            }
            assertThat(System.nanoTime()).as(file + " arrived within " + WITHIN).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
