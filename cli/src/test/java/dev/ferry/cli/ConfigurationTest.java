package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.consumer.repair.RepairPolicy;
import dev.ferry.producer.MirrorBudget;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options from the command line, the environment and a config file: which wins, what is refused,
 * and what {@code ferry config} shows.
 */
class ConfigurationTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Map<String, String> environment = new HashMap<>();

    // --- precedence ---

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws IOException {
        Path config = configFile("""
                queue: q.file
                producer:
                  state: /from/file
                  once: true
                log-format: json
                """);
        environment.put("FERRY_CONFIG", config.toString());

        ProducerCommand fileOnly = producer("--source", "src");
        assertThat(fileOnly.connection.queue()).isEqualTo("q.file");
        assertThat(fileOnly.state).isEqualTo(Path.of("/from/file"));
        assertThat(fileOnly.once).isTrue();
        assertThat(fileOnly.connection.broker).as("nobody sets it: the default").isEqualTo("tcp://localhost:61616");
        assertThat(root(fileOnly).logFormat).isEqualTo(LogFormat.json);

        environment.putAll(Map.of("FERRY_QUEUE", "q.env", "FERRY_STATE", "/from/env", "FERRY_ONCE", "false",
                "FERRY_LOG_FORMAT", "text"));
        ProducerCommand fromEnvironment = producer("--source", "src");
        assertThat(fromEnvironment.connection.queue()).isEqualTo("q.env");
        assertThat(fromEnvironment.state).isEqualTo(Path.of("/from/env"));
        assertThat(fromEnvironment.once).isFalse();
        assertThat(root(fromEnvironment).logFormat).isEqualTo(LogFormat.text);

        ProducerCommand fromFlags = producer("--source", "src", "--queue", "q.flag", "--state", "/from/flag",
                "--once", "--log-format", "json");
        assertThat(fromFlags.connection.queue()).isEqualTo("q.flag");
        assertThat(fromFlags.state).isEqualTo(Path.of("/from/flag"));
        assertThat(fromFlags.once).isTrue();
        assertThat(root(fromFlags).logFormat).isEqualTo(LogFormat.json);
    }

    @Test
    void aFlagTheEnvironmentTurnedOnStaysOnAndIsTurnedOffWithFalse() {
        environment.put("FERRY_ONCE", "true");
        assertThat(producer("--source", "src", "--once").once).as("--once where FERRY_ONCE=true").isTrue();
        assertThat(producer("--source", "src", "--once=false").once).isFalse();
        assertThat(producer("--source", "src").once).isTrue();
    }

    @Test
    void aCommandsSectionBeatsTheTopOfTheFile() throws IOException {
        environment.put("FERRY_CONFIG", configFile("""
                queue: everyone
                producer:
                  queue: producers-only
                dlq:
                  queue: dead-letters
                  retry:
                    queue: retries
                """).toString());

        assertThat(producer("--source", "src").connection.queue()).isEqualTo("producers-only");
        assertThat(((StatusCommand) leaf("status")).connection.queue()).isEqualTo("everyone");
        assertThat(((DlqListCommand) leaf("dlq", "list")).connection.queue()).isEqualTo("dead-letters");
        assertThat(((DlqRetryCommand) leaf("dlq", "retry")).connection.queue()).isEqualTo("retries");
    }

    @Test
    void brokerWithAValueIsTheOptionAndWithOptionsUnderItTheCommand() throws IOException {
        environment.put("FERRY_CONFIG", configFile("""
                broker: tcp://nas.local:61616
                broker-user: everyone
                broker:
                  listen: tcp://0.0.0.0:61616
                  broker-user: only-the-broker
                """).toString());

        assertThat(ferry("config", "status")).as("a key given twice at the top").isEqualTo(2);
        assertThat(err.toString()).contains("line 3: 'broker' is given twice");

        environment.put("FERRY_CONFIG", Files.writeString(dir.resolve("split.yaml"), """
                broker-user: everyone
                broker:
                  listen: tcp://0.0.0.0:61616
                  broker-user: only-the-broker
                status:
                  broker: tcp://nas.local:61616
                """).toString());
        BrokerCommand broker = (BrokerCommand) leaf("broker");
        assertThat(broker.listen).isEqualTo("tcp://0.0.0.0:61616");
        assertThat(broker.login.user()).isEqualTo("only-the-broker");
        StatusCommand status = (StatusCommand) leaf("status");
        assertThat(status.connection.broker).isEqualTo("tcp://nas.local:61616");
        assertThat(status.connection.login.user()).isEqualTo("everyone");
    }

    @Test
    void theConfigFileOnTheCommandLineBeatsFerryConfig() throws IOException {
        environment.put("FERRY_CONFIG", configFile("queue: from-variable").toString());
        Path flagged = Files.writeString(dir.resolve("other.yaml"), "queue: from-flag\n");

        assertThat(producer("--source", "src", "--config", flagged.toString()).connection.queue())
                .isEqualTo("from-flag");
        assertThat(((ProducerCommand) leaf("--config", flagged.toString(), "producer", "--source", "src"))
                .connection.queue()).as("--config before the command").isEqualTo("from-flag");
    }

    @Test
    void aRequiredOptionMayComeFromTheFile() throws IOException {
        environment.put("FERRY_CONFIG", configFile("producer:\n  source: /srv/photos\n").toString());

        assertThat(producer().source).isEqualTo(Path.of("/srv/photos"));
    }

    @Test
    void theFormerBrokerVariableStillWorksAndTheSystematicOneWins() {
        environment.put("FERRY_BROKER_URL", "tcp://former:61616");
        assertThat(producer("--source", "src").connection.broker).isEqualTo("tcp://former:61616");

        environment.put("FERRY_BROKER", "tcp://systematic:61616");
        assertThat(producer("--source", "src").connection.broker).isEqualTo("tcp://systematic:61616");
    }

    @Test
    void anEmptyVariableCountsAsUnset() {
        environment.put("FERRY_QUEUE", "");
        assertThat(producer("--source", "src").connection.queue()).isEqualTo("ferry.changes");
    }

    @Test
    void aValueIsTakenAsWrittenDollarsAndAll() throws IOException {
        environment.put("FERRY_BROKER_PASSWORD", "pa$$w${HOME}rd");
        environment.put("FERRY_CONFIG", configFile("broker-user: \"us$er\"").toString());

        ProducerCommand producer = producer("--source", "src");
        assertThat(producer.connection.login.password()).isEqualTo("pa$$w${HOME}rd");
        assertThat(producer.connection.login.user()).isEqualTo("us$er");
    }

    @Test
    void aListComesFromAYamlListOrCommas() throws IOException {
        environment.put("FERRY_CONFIG", configFile("dlq:\n  retry:\n    message-id: [ID:a, ID:b]\n").toString());
        assertThat(((DlqRetryCommand) leaf("dlq", "retry")).messageIds).containsExactly("ID:a", "ID:b");

        environment.put("FERRY_MESSAGE_ID", "ID:c,ID:d");
        assertThat(((DlqRetryCommand) leaf("dlq", "retry")).messageIds).containsExactly("ID:c", "ID:d");
    }

    @Test
    void theProducerKeepsMirrorDefaultUnlessToldWhichMirrorsAndTheConsumerIsOneMirror() throws IOException {
        assertThat(producer("--source", "src").mirrors).containsExactly("default");
        assertThat(producer("--source", "src", "--mirror", "office", "--mirror", "offsite").mirrors)
                .as("naming mirrors replaces the default").containsExactly("office", "offsite");
        assertThat(((ConsumerCommand) leaf("consumer", "--dest", "d")).mirror.name()).isEqualTo("default");

        environment.put("FERRY_CONFIG", configFile("producer:\n  mirror: [default, offsite]\nconsumer:\n  mirror: nas\n")
                .toString());
        assertThat(producer("--source", "src").mirrors).containsExactly("default", "offsite");
        assertThat(((ConsumerCommand) leaf("consumer", "--dest", "d")).mirror.name()).isEqualTo("nas");

        environment.put("FERRY_MIRROR", "office");
        assertThat(producer("--source", "src").mirrors).containsExactly("office");
        assertThat(((ConsumerCommand) leaf("consumer", "--dest", "d")).mirror.name()).isEqualTo("office");
        assertThat(((DlqListCommand) leaf("dlq", "list")).mirror.name()).isEqualTo("office");
    }

    @Test
    void theConsumerAsksForRepairsAsItsOptionsTheEnvironmentOrTheConfigFileSay() throws IOException {
        RepairPolicy defaults = ((ConsumerCommand) leaf("consumer", "--dest", "d")).repair.policy();
        assertThat(defaults).isEqualTo(new RepairPolicy(false, Duration.ofMinutes(10), null));
        assertThat(((ConsumerCommand) leaf("consumer", "--dest", "d", "--repair", "--repair-timeout", "90s",
                "--repair-every", "1d")).repair.policy()).isEqualTo(new RepairPolicy(true, Duration.ofSeconds(90),
                Duration.ofDays(1)));

        environment.put("FERRY_CONFIG", configFile("consumer:\n  repair: true\n  repair-every: 12h\n").toString());
        environment.put("FERRY_REPAIR_TIMEOUT", "2m");
        assertThat(((ConsumerCommand) leaf("consumer", "--dest", "d")).repair.policy())
                .isEqualTo(new RepairPolicy(true, Duration.ofMinutes(2), Duration.ofHours(12)));
    }

    @Test
    void theMirrorBacklogLimitIsAutoUnlessASizeIsGivenAndMirrorIsBothAnOptionAndACommand() throws IOException {
        assertThat(producer("--source", "src").backlogLimit).isEqualTo(MirrorBudget.automatic());
        assertThat(producer("--source", "src", "--mirror-backlog-limit", "500MB").backlogLimit)
                .isEqualTo(MirrorBudget.of(500_000_000));

        environment.put("FERRY_CONFIG", configFile("""
                producer:
                  mirror-backlog-limit: 2GiB
                  mirror: office
                mirror:
                  list:
                    json: true
                """).toString());
        assertThat(producer("--source", "src").backlogLimit).isEqualTo(MirrorBudget.of(2L << 30));
        assertThat(producer("--source", "src").mirrors).containsExactly("office");
        assertThat(((MirrorListCommand) leaf("mirror", "list")).json).isTrue();

        environment.put("FERRY_MIRROR_BACKLOG_LIMIT", "lots");
        assertThat(ferry("producer", "--source", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: FERRY_MIRROR_BACKLOG_LIMIT: ").contains("'lots' is not a size")
                .hasLineCount(1);
    }

    @Test
    void theDataDirectoryFollowsTheGivenEnvironment() {
        environment.put("XDG_DATA_HOME", dir.toString());
        assertThat(DataDirectory.of(environment)).isEqualTo(dir.resolve("ferry"));
    }

    // --- what is refused ---

    static Stream<Arguments> unusableFiles() {
        return Stream.of(
                Arguments.of("queue: q\nsourc: /srv\n", 2, "unknown key 'sourc': no ferry command has an option --sourc"),
                Arguments.of("producer:\n  dest: /mnt\n", 2, "unknown key 'dest': ferry producer has no option --dest"),
                Arguments.of("producer:\n  verbose: true\n", 2, "'verbose' applies to every command"),
                Arguments.of("producr:\n  source: /srv\n", 1, "unknown section 'producr'"),
                Arguments.of("queue: a\nqueue: b\n", 2, "'queue' is given twice (first on line 1)"),
                Arguments.of("config: other.yaml\n", 1, "'config' cannot be set in a config file"),
                Arguments.of("queue: [a, b]\n", 1, "'queue' takes one value, not a list"),
                Arguments.of("queue:\n", 1, "'queue' has no value"),
                Arguments.of("producer: /srv\n", 1, "'producer' is a command"),
                Arguments.of("queue: a\n  broker: b: c\n", 2, ""),
                Arguments.of("- a\n- b\n", 1, "expected lines of 'option: value'"));
    }

    @ParameterizedTest
    @MethodSource("unusableFiles")
    void anUnusableFileIsAUsageErrorNamingTheFileAndLine(String yaml, int line, String why) throws IOException {
        Path config = configFile(yaml);

        assertThat(ferry("--config", config.toString(), "config", "status")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: config file " + config + " line " + line + ": ")
                .contains(why).hasLineCount(1);
    }

    @Test
    void anUnknownKeyInASectionSaysWhichCommandLacksIt() throws IOException {
        Path config = configFile("producer:\n  dest: /mnt\n");

        assertThat(ferry("--config", config.toString(), "producer")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: config file " + config + " line 2: unknown key 'dest': "
                + "ferry producer has no option --dest").hasLineCount(1);
    }

    @Test
    void aBadValueInTheFileNamesTheFileLineAndKey() throws IOException {
        Path config = configFile("queue: q\nlog-format: xml\n");

        assertThat(ferry("--config", config.toString(), "status")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: config file " + config + " line 2, key log-format: ")
                .contains("'xml'").hasLineCount(1);
    }

    @Test
    void aBadValueInTheEnvironmentNamesTheVariable() {
        environment.put("FERRY_ONCE", "yes");

        assertThat(ferry("producer", "--source", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: FERRY_ONCE: ").contains("'yes'").hasLineCount(1);
    }

    @Test
    void aMissingConfigFileIsAUsageError() {
        Path missing = dir.resolve("missing.yaml");

        assertThat(ferry("--config", missing.toString(), "status")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: config file " + missing + " does not exist").hasLineCount(1);
    }

    @Test
    void verboseAndQuietFromTheSamePlaceContradictEachOther() {
        assertThat(ferry("--verbose", "--quiet", "config")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: --verbose (flag) and --quiet (flag) contradict each other");
    }

    @Test
    void aQuietFlagBeatsAVerboseEnvironment() {
        environment.put("FERRY_VERBOSE", "true");
        try {
            assertThat(ferry("--quiet", "config", "status")).isZero();
            assertThat(org.slf4j.LoggerFactory.getLogger("dev.ferry.any").isInfoEnabled()).isFalse();
            assertThat(org.slf4j.LoggerFactory.getLogger("dev.ferry.any").isWarnEnabled()).isTrue();
        } finally {
            Logging.configure(LogFormat.text, Logging.Verbosity.NORMAL);
        }
    }

    // --- ferry config ---

    @Test
    void configShowsEachValueWithWhereItCameFrom() throws IOException {
        Path config = configFile("""
                broker: tcp://nas.local:61616
                producer:
                  source: /srv/photos
                """);
        environment.put("FERRY_QUEUE", "q.env");
        environment.put("FERRY_BROKER_USER", "ferry-producer");

        assertThat(ferry("--config", config.toString(), "config", "producer", "--once")).as(err.toString()).isZero();

        assertThat(tableOf(out.toString()))
                .startsWith("ferry producer")
                .contains("--source | /srv/photos | file " + config + ":3",
                        "--broker | tcp://nas.local:61616 | file " + config + ":1",
                        "--queue | q.env | env FERRY_QUEUE",
                        "--broker-user | ferry-producer | env FERRY_BROKER_USER",
                        "--once | true | flag",
                        "--state | - | default",
                        "--config | " + config + " | flag",
                        "--verbose | false | default");
    }

    @Test
    void configMasksSecrets() throws IOException {
        environment.put("FERRY_BROKER_PASSWORD", "hunter2");
        environment.put("FERRY_CONFIG", configFile("trust-store-password: changeit\n").toString());

        assertThat(ferry("config", "status", "--key-store-password", "s3cret")).isZero();
        assertThat(ferry("config", "--json", "status")).isZero();

        assertThat(out.toString()).doesNotContain("hunter2", "changeit", "s3cret");
        assertThat(tableOf(out.toString())).contains("--broker-password | **** | env FERRY_BROKER_PASSWORD",
                "--trust-store-password | **** | file " + dir.resolve("ferry.yaml") + ":1",
                "--key-store-password | **** | flag");
        assertThat(EffectiveConfiguration.isSecret("--api-token")).isTrue();
        assertThat(EffectiveConfiguration.isSecret("--client-secret")).isTrue();
        assertThat(EffectiveConfiguration.isSecret("--broker-user")).isFalse();
    }

    @Test
    void configInJsonIsOneObjectPerCommand() throws IOException {
        environment.put("FERRY_BROKER_PASSWORD", "hunter2");

        assertThat(ferry("config", "--json", "consumer")).isZero();

        JsonNode shown = JsonMapper.builder().build().readTree(out.toString());
        assertThat(shown.get("command").asText()).isEqualTo("ferry consumer");
        assertThat(shown.get("problems").get(0).asText()).contains("--dest");
        JsonNode password = option(shown, "--broker-password");
        assertThat(password.get("value").asText()).isEqualTo("****");
        assertThat(password.get("origin").asText()).isEqualTo("env");
        assertThat(password.get("where").asText()).isEqualTo("FERRY_BROKER_PASSWORD");
        assertThat(option(shown, "--queue").get("origin").asText()).isEqualTo("default");
    }

    @Test
    void configWithoutACommandShowsEveryCommand() {
        assertThat(ferry("config")).isZero();
        assertThat(out.toString().lines().filter(line -> line.startsWith("ferry")))
                .contains("ferry", "ferry up", "ferry producer", "ferry dlq list", "ferry dlq retry", "ferry completion");
    }

    @Test
    void configOfAnUnknownCommandIsAUsageError() {
        assertThat(ferry("config", "prodcer")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: ").contains("prodcer").hasLineCount(1);
    }

    @Test
    void aForwardToAStandbyPairKeepsTheCommasOfItsFailoverUrlOnTheCommandLineInTheEnvironmentAndInAFile()
            throws IOException {
        String pair = "failover:(tcp://b1:61616,tcp://b2:61616)?randomize=false";
        BrokerCommand given = (BrokerCommand) leaf("broker", "--forward-to", pair + ",tcp://c:61616",
                "--forward-to", "ssl://d:61617");
        assertThat(given.forwarding.to).containsExactly(pair, "tcp://c:61616", "ssl://d:61617");

        environment.put("FERRY_FORWARD_TO", pair + ",tcp://c:61616");
        assertThat(((BrokerCommand) leaf("broker")).forwarding.to).containsExactly(pair, "tcp://c:61616");
        environment.remove("FERRY_FORWARD_TO");

        environment.put("FERRY_CONFIG", configFile("""
                broker:
                  broker-name: site-a
                  forward-to:
                    - %s
                    - tcp://c:61616
                  forward-user: ferry-producer
                  forward-password: not-shown
                """.formatted(pair)).toString());
        BrokerCommand fromFile = (BrokerCommand) leaf("broker");
        assertThat(fromFile.forwarding.to).containsExactly(pair, "tcp://c:61616");
        assertThat(fromFile.brokerName).isEqualTo("site-a");
        assertThat(fromFile.forwarding.forwards(Ferry.commandLine(environment))).extracting(f -> f.to().toString())
                .containsExactly(pair, "tcp://c:61616");
        assertThat(ferry("config", "broker")).isZero();
        assertThat(out.toString()).contains("site-a").doesNotContain("not-shown");
    }

    @Test
    void aForwardThatIsNoBrokerAddressIsAUsageError() {
        assertThat(ferry("broker", "--forward-to", "http://b:8161")).isEqualTo(2);
        assertThat(err.toString()).contains("--forward-to http://b:8161: cannot forward to http://b:8161: "
                + "give tcp://HOST:PORT, ssl://HOST:PORT or failover:(...)");
    }

    // --- the rules every option follows ---

    @Test
    void everyFlagMeansTrueWhateverItsDefault() {
        // Without a fallback value, picocli sets a flag to the opposite of its default, so --once would
        // mean "not once" where FERRY_ONCE=true.
        for (OptionSpec option : allOptions(Ferry.commandLine(Map.of()).getCommandSpec())) {
            if (option.typeInfo().isBoolean() && option.arity().max() == 0 && !option.usageHelp()
                    && !option.versionHelp()) {
                assertThat(option.fallbackValue()).as(option.command().qualifiedName() + " " + option.longestName())
                        .isEqualTo("true");
            }
        }
    }

    @Test
    void everyOptionHasAVariableNamedAfterIt() {
        OptionSpec password = Ferry.commandLine(Map.of()).getSubcommands().get("producer").getCommandSpec()
                .findOption("--trust-store-password");
        assertThat(EnvironmentNames.of(password)).containsExactly("FERRY_TRUST_STORE_PASSWORD");
        assertThat(EnvironmentNames.key(password)).isEqualTo("trust-store-password");
    }

    /** The lines of `ferry config`, their columns separated by " | ". */
    private static List<String> tableOf(String shown) {
        return shown.lines().map(String::strip).map(line -> line.replaceAll(" {2,}", " | ")).toList();
    }

    private static List<OptionSpec> allOptions(CommandSpec command) {
        List<OptionSpec> options = new java.util.ArrayList<>(command.options());
        command.subcommands().values().forEach(sub -> options.addAll(allOptions(sub.getCommandSpec())));
        return options;
    }

    private static JsonNode option(JsonNode shown, String name) {
        for (JsonNode option : shown.get("options")) {
            if (option.get("option").asText().equals(name)) {
                return option;
            }
        }
        throw new AssertionError("no option " + name + " in " + shown);
    }

    private Path configFile(String yaml) throws IOException {
        return Files.writeString(dir.resolve("ferry.yaml"), yaml);
    }

    private int ferry(String... args) {
        CommandLine commandLine = Ferry.commandLine(environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private ProducerCommand producer(String... args) {
        String[] all = Stream.concat(Stream.of("producer"), Stream.of(args)).toArray(String[]::new);
        return (ProducerCommand) leaf(all);
    }

    /** The command object `ferry <args>` would run, with its options set, in {@link #environment}. */
    private Object leaf(String... args) {
        CommandLine.ParseResult parsed = Ferry.commandLine(environment).parseArgs(args);
        while (parsed.subcommand() != null) {
            parsed = parsed.subcommand();
        }
        return parsed.commandSpec().userObject();
    }

    private static Ferry root(ProducerCommand command) {
        return Ferry.of(command.spec);
    }
}
