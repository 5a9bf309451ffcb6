package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class FerryCommandLineTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int ferry(String... args) {
        CommandLine commandLine = Ferry.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void aMissingRequiredOptionIsAUsageErrorInOneLine() {
        assertThat(ferry("up", "--dest", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ferry: Missing required option: '--source=SRC'; see 'ferry up --help'"
                + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownFlagIsAUsageErrorInOneLine() {
        assertThat(ferry("status", "--bogus")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ferry: Unknown option: '--bogus'; see 'ferry status --help'"
                + System.lineSeparator());
    }

    @Test
    void aMisspeltFlagGetsASuggestion() {
        assertThat(ferry("status", "--queeu=x")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: Unknown option: '--queeu=x'").contains("did you mean --queue")
                .hasLineCount(1);
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(ferry()).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: missing command");
    }

    @Test
    void aMalformedListenAddressIsAUsageError() {
        assertThat(ferry("broker", "--data", dir.toString(), "--listen", "localhost")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: invalid --listen address 'localhost'");
    }

    @Test
    void aBrokerOpenToOtherMachinesWithoutALoginIsRefusedInOneLine() {
        assertThat(ferry("broker", "--data", dir.toString(), "--listen", "tcp://0.0.0.0:61616")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: refusing to listen on tcp://0.0.0.0:61616 without a login")
                .contains("--broker-user", "FERRY_BROKER_PASSWORD", "--allow-anonymous").hasLineCount(1);
        assertThat(dir.resolve("broker")).as("nothing started").doesNotExist();
    }

    @Test
    void upOpenToOtherMachinesWithoutALoginIsRefusedToo() {
        assertThat(ferry("up", "--source", dir.toString(), "--dest", dir.resolve("d").toString(), "--data",
                dir.resolve("data").toString(), "--listen", "tcp://0.0.0.0:61616")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: refusing to listen on tcp://0.0.0.0:61616 without a login");
        assertThat(dir.resolve("d")).doesNotExist();
    }

    @Test
    void helpShowsTheCommandsAndAnExample() {
        assertThat(ferry("--help")).isZero();
        assertThat(out.toString()).contains("up", "broker", "consumer", "producer", "status", "verify", "Example:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "broker", "consumer", "producer", "status", "verify", "config", "completion"})
    void everyCommandHasHelpWithAnExampleAndTheGlobalOptions(String command) {
        assertThat(ferry(command, "--help")).isZero();
        assertThat(out.toString()).contains("Example:", "ferry " + command, "--verbose", "--quiet", "--log-format",
                "--config", "--version", "--help");
    }

    @Test
    void versionNamesFerry() {
        assertThat(ferry("--version")).isZero();
        assertThat(out.toString()).startsWith("ferry ");
        assertThat(ferry("status", "--version")).isZero();
    }

    @Test
    void anUnreachableBrokerIsOneLineNamingIt() {
        assertThat(ferry("status", "--broker", "tcp://127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("ferry: cannot reach broker tcp://127.0.0.1:1: Connection refused"
                + System.lineSeparator());
    }

    @Test
    void aPeerThatHangsUpWithoutAWordIsABrokerThatCannotBeReached() throws IOException {
        try (ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread hangingUp = new Thread(() -> {
                while (!peer.isClosed()) {
                    try (Socket ignored = peer.accept()) {
                        // Closed at once, before any broker would have said a word.
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            hangingUp.setDaemon(true);
            hangingUp.start();
            String url = "tcp://127.0.0.1:" + peer.getLocalPort();

            assertThat(ferry("status", "--broker", url)).isEqualTo(1);
            assertThat(err.toString()).startsWith("ferry: cannot reach broker " + url + ": ").hasLineCount(1);
        }
    }

    @Test
    void verboseAddsTheStackTrace() {
        assertThat(ferry("status", "--broker", "tcp://127.0.0.1:1", "--verbose")).isEqualTo(1);
        assertThat(err.toString()).startsWith("ferry: cannot reach broker tcp://127.0.0.1:1: Connection refused")
                .contains("\tat ");
    }

    @Test
    void aSourceThatIsNoDirectoryIsOneLine() {
        Path missing = dir.resolve("missing");
        assertThat(ferry("producer", "--source", missing.toString(), "--state", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("ferry: source " + missing + " is not a directory (it does not exist)"
                + System.lineSeparator());
    }

    @Test
    void aDestinationThatIsAFileIsOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(ferry("consumer", "--dest", file.toString(), "--broker", "tcp://127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("ferry: destination " + file + " is not a directory"
                + System.lineSeparator());
    }

    @Test
    void upRefusesADestinationInsideTheSource() throws Exception {
        Path source = Files.createDirectory(dir.resolve("src"));
        assertThat(ferry("up", "--source", source.toString(), "--dest", source.resolve("mirror").toString(),
                "--data", dir.resolve("data").toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("ferry: destination ").contains("is inside source");
    }

    @Test
    void aTakenMetricsPortIsOneLineNamingIt() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(ferry("consumer", "--dest", dir.resolve("dst").toString(), "--broker", "tcp://127.0.0.1:1",
                    "--metrics-port", Integer.toString(taken.getLocalPort()))).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("ferry: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use" + System.lineSeparator());
        }
    }

    @Test
    void aMirrorNameThatIsNotOneIsAUsageErrorFromTheCommandLineAndTheEnvironmentAlike() {
        assertThat(ferry("consumer", "--dest", dir.resolve("dst").toString(), "--mirror", "off.site")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ferry: Invalid value for option '--mirror': 'off.site' is not a mirror "
                + "name: use 1 to 64 letters (A-Z, a-z), digits, '-' and '_'; see 'ferry consumer --help'"
                + System.lineSeparator());
        assertThat(dir.resolve("dst")).as("nothing is done").doesNotExist();

        err.getBuffer().setLength(0);
        CommandLine producer = Ferry.commandLine(java.util.Map.of("FERRY_MIRROR", "default,two words"));
        producer.setOut(new PrintWriter(out, true));
        producer.setErr(new PrintWriter(err, true));
        assertThat(producer.execute("producer", "--source", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: FERRY_MIRROR: Invalid value for option '--mirror' (NAME): "
                + "'two words' is not a mirror name").hasLineCount(1);
    }

    @Test
    void aRepairTimeoutThatIsNoDurationIsAUsageErrorSayingHowToWriteOne() {
        assertThat(ferry("consumer", "--dest", dir.resolve("dst").toString(), "--repair-timeout", "10")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ferry: Invalid value for option '--repair-timeout': '10' is not a "
                + "duration: write a number and a unit, such as 30s, 10m, 2h, 1d or 1h30m (ms, s, m or min, h, d); "
                + "see 'ferry consumer --help'" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(ferry("consumer", "--dest", dir.resolve("dst").toString(), "--repair-every", "0s")).isEqualTo(2);
        assertThat(err.toString()).contains("'0s' is no time at all: give a duration longer than zero")
                .hasLineCount(1);

        err.getBuffer().setLength(0);
        assertThat(ferry("consumer", "--dest", dir.resolve("dst").toString(), "--repair-timeout", "400000000000d"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("'400000000000d' is longer than 100 years: give a shorter duration")
                .hasLineCount(1);
        assertThat(dir.resolve("dst")).as("nothing is done").doesNotExist();
    }

    @Test
    void anUnknownProgressModeIsAUsageError() {
        assertThat(ferry("producer", "--source", dir.toString(), "--progress", "sparkles")).isEqualTo(2);
        assertThat(err.toString()).contains("'sparkles' is not one of auto, bar, lines, none");
    }

    @Test
    void statusReportsTheQueue() throws Exception {
        BrokerOptions options = BrokerOptions.defaults(dir).withListen(URI.create("tcp://127.0.0.1:0"));
        try (EmbeddedBroker broker = EmbeddedBroker.start(options)) {
            assertThat(ferry("status", "--broker", broker.connectUrl(), "--queue", "ferry.test")).isZero();
        }
        assertThat(out.toString().lines()).contains(
                "messages waiting: 0",
                "consumers attached: 0",
                "oldest waiting: -",
                "dead-lettered: 0 (on DLQ.Consumer.default.VirtualTopic.ferry.test)",
                "mirror default: 0 waiting, 0 consumers, oldest -, 0 dead-lettered "
                        + "(queue Consumer.default.VirtualTopic.ferry.test)",
                "producers and consumers: none has reported on ferry.status.ferry.test");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void keygenMakesOwnerOnlyKeysAndNeverOverwritesOne() throws IOException {
        Path key = dir.resolve("producer.key");
        assertThat(ferry("keygen", key.toString())).isEqualTo(0);
        assertThat(out.toString()).startsWith("signing key ").contains(key + ".pub");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(dir.resolve("producer.key.pub")).exists();
        String written = Files.readString(key);

        assertThat(ferry("keygen", key.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: " + key + " exists: a key is never overwritten").hasLineCount(1);
        assertThat(Files.readString(key)).isEqualTo(written);

        assertThat(ferry("keygen", "--encrypt", dir.resolve("stream.key").toString())).isEqualTo(0);
        assertThat(dir.resolve("stream.key.pub")).as("an encryption key has no public half").doesNotExist();
    }

    @Test
    void aKeyFileOthersMayReadIsAUsageErrorAndNothingIsDone() throws IOException {
        Path key = dir.resolve("stream.key");
        assertThat(ferry("keygen", "--encrypt", key.toString())).isEqualTo(0);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Path dst = dir.resolve("dst");

        assertThat(ferry("consumer", "--dest", dst.toString(), "--encrypt-key", key.toString(), "--broker",
                "tcp://127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: encryption key " + key + " may be used by others")
                .hasLineCount(1);
        assertThat(dst).as("nothing is done").doesNotExist();

        err.getBuffer().setLength(0);
        assertThat(ferry("consumer", "--dest", dst.toString(), "--trust-producer", dir.resolve("none.pub").toString(),
                "--broker", "tcp://127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: public key " + dir.resolve("none.pub") + " does not exist")
                .hasLineCount(1);
        assertThat(dst).doesNotExist();
    }
}
