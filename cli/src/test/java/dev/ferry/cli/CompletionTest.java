package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code ferry completion}: a script bash accepts, that completes what the commands define. */
class CompletionTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"bash", "zsh"})
    void theScriptIsValidBashAndNamesEveryCommandAndOption(String shell) throws Exception {
        String script = completion(shell);

        assertThat(run("bash", "-n", write(script).toString())).isEmpty();
        assertThat(script).contains("complete -F _complete_ferry", "up", "broker", "consumer", "producer", "status",
                "dlq", "list", "retry", "mirror", "remove", "config", "completion", "--source", "--dest",
                "--broker-password", "--mirror-backlog-limit", "--repair", "--repair-timeout", "--repair-every",
                "--log-format", "--quiet", "--verbose", "--config");
    }

    @Test
    void bashCompletesCommandsOptionsAndValues() throws Exception {
        Path script = write(completion("bash"));

        assertThat(complete(script, "ferry", "pro")).containsExactly("producer");
        assertThat(complete(script, "ferry", "dlq", "re")).containsExactly("retry");
        assertThat(complete(script, "ferry", "mi")).containsExactly("mirror");
        assertThat(complete(script, "ferry", "mirror", "")).containsExactlyInAnyOrder("list", "remove");
        assertThat(complete(script, "ferry", "producer", "--broker-")).containsExactlyInAnyOrder(
                "--broker-user", "--broker-password");
        assertThat(complete(script, "ferry", "status", "--log-format", "")).containsExactlyInAnyOrder("text", "json");
    }

    @Test
    void anUnknownShellIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Ferry.commandLine(Map.of());
        commandLine.setErr(new PrintWriter(err, true));

        assertThat(commandLine.execute("completion", "fish")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: ").contains("fish").hasLineCount(1);
    }

    private static String completion(String shell) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Ferry.commandLine(Map.of());
        commandLine.setOut(new PrintWriter(out, true));
        assertThat(commandLine.execute("completion", shell)).isZero();
        return out.toString();
    }

    /** What bash offers after {@code words} (the last one being completed), with the script loaded. */
    private List<String> complete(Path script, String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String word : words) {
            array.append(" '").append(word).append("'");
        }
        String program = "source '" + script + "'\n"
                // Only works inside a completion bash itself started; here it would just complain.
                + "compopt() { :; }\n"
                + "COMP_WORDS=(" + array + " )\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE=\"${COMP_WORDS[*]}\"\n"
                + "COMP_POINT=${#COMP_LINE}\n"
                + "_complete_ferry\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        return run("bash", "-c", program).lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private Path write(String script) throws IOException {
        return Files.writeString(dir.resolve("ferry-completion.bash"), script);
    }

    private String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
