package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.ignore.IgnoreSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Given a tree and its copy, `ferry verify` says whether they are equal, in lines or JSON, and exits 0, 1 or 2. */
class VerifyCommandTest {

    @TempDir
    Path dir;

    Path source;
    Path dest;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void aTreeAndItsCopy() throws IOException {
        source = Files.createDirectories(dir.resolve("src"));
        dest = Files.createDirectories(dir.resolve("dst"));
        Files.writeString(source.resolve("a.txt"), "alpha");
        Files.copy(source.resolve("a.txt"), dest.resolve("a.txt"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    @Test
    void equalTreesExitZeroWithASummary() {
        assertThat(verify()).isZero();
        assertThat(out.toString()).isEqualTo(source.toAbsolutePath() + " and " + dest.toAbsolutePath()
                + " are equal (1 entry compared)" + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void differencesExitOneWithALineEach() throws IOException {
        Files.setPosixFilePermissions(dest.resolve("a.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dest.resolve("b.txt"), "extra");

        assertThat(verify()).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactly("mode 0644 vs 0600: a.txt", "extra on dest: b.txt",
                "2 differences between " + source + " and " + dest + " (2 entries compared)");
    }

    @Test
    void jsonIsOneDocumentWithEachDifference() throws IOException {
        Files.delete(dest.resolve("a.txt"));

        assertThat(verify("--json")).isEqualTo(1);
        JsonNode document = JsonMapper.builder().build().readTree(out.toString());
        assertThat(document.get("equal").asBoolean()).isFalse();
        assertThat(document.get("entries").asLong()).isOne();
        assertThat(document.get("differences")).hasSize(1);
        JsonNode difference = document.get("differences").get(0);
        assertThat(difference.get("path").asText()).isEqualTo("a.txt");
        assertThat(difference.get("kind").asText()).isEqualTo("missing");
        assertThat(difference.get("source").asText()).isEqualTo("file of 5 bytes");
        assertThat(difference.get("dest").isNull()).isTrue();
    }

    @Test
    void jsonOfEqualTreesSaysSo() throws IOException {
        assertThat(verify("--json")).isZero();
        JsonNode document = JsonMapper.builder().build().readTree(out.toString());
        assertThat(document.get("equal").asBoolean()).isTrue();
        assertThat(document.get("differences")).isEmpty();
    }

    @Test
    void ignoreRulesApplyAndCanBeTurnedOff() throws IOException {
        Files.writeString(source.resolve("a.txt.swp"), "swap");
        Files.writeString(dest.resolve("notes.log"), "only on the destination");

        assertThat(verify("--exclude", "*.log")).isZero();
        assertThat(verify("--no-default-excludes", "--exclude", "*.log")).isEqualTo(1);
        assertThat(out.toString()).contains("missing on dest: a.txt.swp");
    }

    @Test
    void aDestinationThatIsNotThereIsTroubleNotADifference() {
        dest = dir.resolve("nowhere");

        assertThat(verify()).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ferry: destination " + dest + " is not a directory (it does not exist)"
                + System.lineSeparator());
    }

    @Test
    void aMissingOptionIsAUsageError() {
        assertThat(execute("verify", "--source", source.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: Missing required option: '--dest=DST'");
    }

    @Test
    void theHelpNamesEveryDefaultExclude() {
        assertThat(execute("verify", "--help")).isZero();
        String help = out.toString().replaceAll("\\s+", "");
        for (String pattern : IgnoreSettings.DEFAULT_EXCLUDES) {
            assertThat(help).contains(pattern);
        }
    }

    private int verify(String... options) {
        String[] args = new String[options.length + 5];
        args[0] = "verify";
        args[1] = "--source";
        args[2] = source.toString();
        args[3] = "--dest";
        args[4] = dest.toString();
        System.arraycopy(options, 0, args, 5, options.length);
        return execute(args);
    }

    private int execute(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine commandLine = Ferry.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
