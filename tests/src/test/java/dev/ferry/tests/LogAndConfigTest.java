package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The log and the config file as a real process meets them: a producer configured by a file
 * logs one JSON object per line, each published change with its path; quiet, it logs nothing.
 */
@Timeout(value = 3, unit = MINUTES)
class LogAndConfigTest {

    private static final Duration ONE_RUN = Duration.ofSeconds(60);
    private static final String FORGING_NAME = "evil\n00:00:00.000 INFO  Publisher - published delete \"x\"";

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aProducerConfiguredByAFileLogsEachPublishedChangeAsOneJsonObject() throws IOException {
        Path source = ferry.directory("source");
        TestTrees.writeText(source.resolve("docs/readme.txt"), "hello\n");
        TestTrees.writeText(source.resolve(FORGING_NAME), "a name with a line break\n");
        Path config = Files.writeString(ferry.workspace().resolve("ferry.yaml"), String.join("\n",
                "broker: " + ferry.brokerUrl(),
                "log-format: json",
                "producer:",
                "  source: " + source,
                "  state: " + ferry.workspace().resolve("producer-state"),
                "  once: true",
                ""));

        FerryProcess producer = ferry.start("producer", "--config", config.toString());
        producer.waitForSuccess(ONE_RUN);

        List<JsonNode> lines = jsonLines(producer);
        assertThat(lines).as(producer.logTail()).isNotEmpty().allSatisfy(line ->
                assertThat(line.has("time") && line.has("level") && line.has("logger") && line.has("message"))
                        .as("time, level, logger and message in %s", line).isTrue());
        List<String> published = lines.stream().filter(line -> line.path("message").asText().startsWith("published "))
                .map(line -> line.path("event").asText() + " " + line.path("path").asText()).toList();
        assertThat(published).containsExactlyInAnyOrder("directory docs", "put docs/readme.txt", "put " + FORGING_NAME);
        assertThat(producer.stdout()).as("the summary, on stdout as ever").contains("published");
    }

    @Test
    void aQuietProducerLogsNothingWhenAllGoesWell() {
        Path source = ferry.directory("source");
        TestTrees.writeText(source.resolve("a.txt"), "a\n");

        FerryProcess producer = ferry.producer(source, "--once", "--quiet");
        producer.waitForSuccess(ONE_RUN);

        assertThat(producer.stderr()).as(producer.logTail()).isBlank();
        assertThat(producer.stdout()).contains("published");
    }

    @Test
    void aTextLogKeepsEachChangeOnOneQuotedLine() {
        Path source = ferry.directory("source");
        TestTrees.writeText(source.resolve(FORGING_NAME), "x\n");

        FerryProcess producer = ferry.producer(source, "--once");
        producer.waitForSuccess(ONE_RUN);

        assertThat(producer.logLinesMatching(FerryLog.publishedPut(FORGING_NAME))).as(producer.logTail()).hasSize(1);
        assertThat(producer.logLinesMatching("^00:00:00.000 ")).as("a line the name forged").isEmpty();
    }

    private static List<JsonNode> jsonLines(FerryProcess process) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        for (String line : process.stderr().split("\n")) {
            if (!line.isBlank()) {
                lines.add(json.readTree(line));
            }
        }
        return lines;
    }
}
