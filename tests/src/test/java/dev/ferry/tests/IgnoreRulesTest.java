package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ignore rules across real processes: what SRC's .ferryignore, an --exclude and the defaults
 * ignore never reaches DST, and what is ignored and already in DST stays there untouched.
 */
@Timeout(value = 4, unit = MINUTES)
class IgnoreRulesTest {

    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final String EXCLUDE = "*.secret";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void ignoredFilesNeverReachTheMirrorAndIgnoredFilesThereStay() throws Exception {
        Path source = ferry.directory("source");
        TestTrees.writeText(source.resolve(".ferryignore"), "# build output and logs stay home\nbuild/\n*.log\n");
        TestTrees.writeText(source.resolve("keep.txt"), "replicated");
        TestTrees.writeText(source.resolve("docs/readme.txt"), "replicated too");
        TestTrees.writeText(source.resolve("docs/app.log"), "the source's log");
        TestTrees.writeText(source.resolve("build/out.o"), "object code");
        TestTrees.writeText(source.resolve("docs/.readme.txt.swp"), "vim's swap file: a default exclude");
        TestTrees.writeText(source.resolve("key.secret"), "excluded on the command line");
        Path destination = ferry.directory("destination");
        TestTrees.writeText(destination.resolve("docs/app.log"), "the mirror's own log");
        TestTrees.writeText(destination.resolve("local.log"), "only on the mirror");
        TestTrees.writeText(destination.resolve("build/cache/x.bin"), "the mirror's build cache");

        FerryProcess consumer = ferry.consumer(destination);
        FerryProcess producer = ferry.producer(source, "--exclude", EXCLUDE);
        awaitVerified(source, destination, consumer, producer);

        assertThat(destination.resolve("keep.txt")).hasContent("replicated");
        assertThat(destination.resolve(".ferryignore")).as("the rules file is replicated like any file").exists();
        assertThat(destination.resolve("build/out.o")).doesNotExist();
        assertThat(destination.resolve("docs/.readme.txt.swp")).doesNotExist();
        assertThat(destination.resolve("key.secret")).doesNotExist();
        assertThat(destination.resolve("docs/app.log")).hasContent("the mirror's own log");
        assertThat(destination.resolve("local.log")).exists();
        assertThat(destination.resolve("build/cache/x.bin")).exists();

        // Live: ignored files come and go, an ignored file in both trees is deleted from the source.
        TestTrees.writeText(source.resolve("docs/later.log"), "written while watched");
        TestTrees.writeText(source.resolve("build/more.o"), "in an ignored directory");
        TestTrees.writeText(source.resolve("download.tmp"), "a default exclude");
        Files.delete(source.resolve("docs/app.log"));
        TestTrees.writeText(source.resolve("docs/after.txt"), "written last");
        awaitVerified(source, destination, consumer, producer);

        assertThat(destination.resolve("docs/after.txt")).hasContent("written last");
        assertThat(destination.resolve("docs/later.log")).doesNotExist();
        assertThat(destination.resolve("build/more.o")).doesNotExist();
        assertThat(destination.resolve("download.tmp")).doesNotExist();
        assertThat(destination.resolve("docs/app.log")).as("ignored, so not deleted").hasContent("the mirror's own log");

        FerryProcess withoutTheExclude = ferry.start("verify", "--source", source.toString(),
                "--dest", destination.toString());
        assertThat(withoutTheExclude.waitForExit(QUICK)).as(withoutTheExclude.logTail()).isEqualTo(1);
        assertThat(withoutTheExclude.stdout()).contains("missing on dest: key.secret");
    }

    /** Runs `ferry verify` until it exits 0; fails if it says anything else than 0 or 1, or never 0 in time. */
    private void awaitVerified(Path source, Path destination, FerryProcess... running) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        List<String> lastDifferences = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (FerryProcess process : running) {
                assertThat(process.isAlive()).as("%s is running%n%s", process.name(), process.logTail()).isTrue();
            }
            FerryProcess verify = ferry.start("verify", "--source", source.toString(),
                    "--dest", destination.toString(), "--exclude", EXCLUDE);
            int status = verify.waitForExit(QUICK);
            if (status == 0) {
                return;
            }
            assertThat(status).as("ferry verify's exit status%n%s", verify.logTail()).isEqualTo(1);
            lastDifferences = verify.stdout().lines().toList();
            Thread.sleep(500);
        }
        fail("%s did not become the mirror of %s within %s; ferry verify said:%n%s", destination, source,
                CONVERGE, String.join("\n", lastDifferences));
    }
}
