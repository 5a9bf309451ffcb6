package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** `ferry verify` on a tree Ferry replicated: equal and exit 0, then a change made by hand and exit 1, in words and in JSON. */
@Timeout(value = 3, unit = MINUTES)
class VerifyReplicaTest {

    private static final Duration QUICK = Duration.ofSeconds(30);

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aReplicaIsEqualUntilSomeoneChangesIt() throws Exception {
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.workspace().resolve("destination");
        FerryProcess up = ferry.start("up", "--source", source.toString(), "--dest", destination.toString(),
                "--data", ferry.workspace().resolve("data").toString(), "--listen", "none");
        Convergence.await(source, destination, Duration.ofSeconds(60), up);
        String compared = " (" + TreeSnapshot.of(source).paths().size() + " entries compared)";

        FerryProcess equal = verify(source, destination);
        assertThat(equal.waitForExit(QUICK)).as(equal.logTail()).isZero();
        assertThat(equal.stdout().lines()).singleElement().asString()
                .isEqualTo(source.toRealPath() + " and " + destination.toRealPath() + " are equal" + compared);

        FerryProcess equalJson = verify(source, destination, "--json");
        assertThat(equalJson.waitForExit(QUICK)).as(equalJson.logTail()).isZero();
        JsonNode equalDocument = JsonMapper.builder().build().readTree(equalJson.stdout());
        assertThat(equalDocument.get("equal").asBoolean()).isTrue();
        assertThat(equalDocument.get("differences")).isEmpty();

        TestTrees.mode(destination.resolve("secret.txt"), "rw-r--r--");

        FerryProcess changed = verify(source, destination);
        assertThat(changed.waitForExit(QUICK)).as(changed.logTail()).isEqualTo(1);
        assertThat(changed.stdout().lines()).containsExactly("mode 0600 vs 0644: secret.txt",
                "1 difference between " + source.toRealPath() + " and " + destination.toRealPath()
                        + compared);

        FerryProcess changedJson = verify(source, destination, "--json");
        assertThat(changedJson.waitForExit(QUICK)).as(changedJson.logTail()).isEqualTo(1);
        JsonNode document = JsonMapper.builder().build().readTree(changedJson.stdout());
        assertThat(document.get("equal").asBoolean()).isFalse();
        assertThat(document.get("differences")).singleElement().satisfies(difference -> {
            assertThat(difference.get("path").asText()).isEqualTo("secret.txt");
            assertThat(difference.get("kind").asText()).isEqualTo("mode");
            assertThat(difference.get("source").asText()).isEqualTo("0600");
            assertThat(difference.get("dest").asText()).isEqualTo("0644");
        });
    }

    private FerryProcess verify(Path source, Path destination, String... options) {
        String[] args = new String[5 + options.length];
        args[0] = "verify";
        args[1] = "--source";
        args[2] = source.toString();
        args[3] = "--dest";
        args[4] = destination.toString();
        System.arraycopy(options, 0, args, 5, options.length);
        return ferry.start(args);
    }
}
