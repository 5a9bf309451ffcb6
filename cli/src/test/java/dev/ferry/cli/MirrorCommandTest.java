package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.StreamStatus;
import dev.ferry.monitor.ConsumerTally;
import dev.ferry.monitor.HeartbeatSender;
import dev.ferry.monitor.Heartbeats;
import dev.ferry.monitor.ProcessIdentity;
import dev.ferry.monitor.ProducerTally;
import dev.ferry.producer.MirrorMarks;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code ferry mirror list} and {@code remove} against an embedded broker, with heartbeats of real senders. */
class MirrorCommandTest {

    private static final String QUEUE = "q";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private final List<AutoCloseable> open = new ArrayList<>();
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(dir.resolve("broker"))
                .withListen(URI.create("tcp://127.0.0.1:0")));
    }

    @AfterEach
    void stopBroker() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        broker.close();
    }

    @Test
    void listShowsEachMirrorWithWhatWaitsItsConsumersLastBeatAndAProducersDrop() throws Exception {
        givenFourMirrors();

        assertThat(ferry("mirror", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).matches("MIRROR +STATE +WAITING +BYTES +DEAD-LETTERED +CONSUMERS +CONSUMER LAST SEEN "
                + "+DROPPED BY A PRODUCER");
        assertThat(lines.get(1)).matches("default +active +0 +0 bytes +0 +1 +nas:1, \\d+\\.\\d s ago +-");
        assertThat(lines.get(2)).matches("edge +dropped +0 +0 bytes +0 +0 +- +\\S+ .*ago by laptop:9 "
                + "\\(2\\.0 GiB past 2 GiB\\)");
        assertThat(lines.get(3)).matches("lab +needs repair +1 +\\d+(\\.\\d)? (bytes|KiB) +0 +0 +- +.* ago by laptop:9 .*");
        assertThat(lines.get(4)).matches("offsite +away +2 +\\d+(\\.\\d)? (bytes|KiB) +1 +0 +- +-");
        assertThat(lines.get(5)).isEqualTo("each mirror's queue is Consumer.<mirror>.VirtualTopic.q, its dead letters "
                + "on DLQ.Consumer.<mirror>.VirtualTopic.q");
        assertThat(lines).hasSize(6);
    }

    @Test
    void listAsJsonGivesEachMirrorForScripts() throws Exception {
        givenFourMirrors();

        assertThat(ferry("mirror", "list", "--json", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();

        JsonNode json = JsonMapper.builder().build().readTree(out.toString());
        assertThat(json.at("/stream").asText()).isEqualTo(QUEUE);
        assertThat(json.at("/mirrors")).extracting(mirror -> mirror.get("name").asText() + " " + mirror.get("state")
                .asText()).containsExactly("default active", "edge dropped", "lab needs repair", "offsite away");
        JsonNode edge = json.at("/mirrors/1");
        assertThat(edge.get("queue").asText()).isEqualTo(WireFormat.mirrorQueueOf("edge", QUEUE));
        assertThat(edge.get("queuePresent").asBoolean()).isFalse();
        assertThat(edge.at("/droppedBy/0/producer").asText()).isEqualTo("laptop:9");
        assertThat(edge.at("/droppedBy/0/droppedAt").asText()).isEqualTo("2025-03-01T12:00:05Z");
        assertThat(edge.at("/droppedBy/0/limitBytes").asLong()).isEqualTo(2L << 30);
        assertThat(json.at("/mirrors/0/lastConsumerHeartbeat/id").asText()).isEqualTo("nas:1");
        assertThat(json.at("/mirrors/3/waiting").asLong()).isEqualTo(2);
        assertThat(json.at("/mirrors/3/waitingBytes").asLong()).isPositive();
        assertThat(json.at("/mirrors/3/deadLettered").asLong()).isEqualTo(1);
        assertThat(json.at("/mirrors/3/droppedBy")).isEmpty();
    }

    @Test
    void removeRefusesWhileAConsumerIsAttachedAndRemovesWithForce() throws Exception {
        send(WireFormat.mirrorQueueOf("offsite", QUEUE), 2);
        Connection consumer = endpoint().connect("test", 1);
        open.add(consumer);
        Session session = consumer.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        session.createConsumer(session.createQueue(WireFormat.mirrorQueueOf("offsite", QUEUE)));

        assertThat(ferry("mirror", "remove", "offsite", "--broker", broker.connectUrl(), "--queue", QUEUE)).isOne();
        assertThat(err.toString()).isEqualTo("ferry: mirror 'offsite' has a consumer attached: stop it first, or give "
                + "--force" + System.lineSeparator());
        assertThat(stream().queueExists("offsite")).isTrue();

        err = new StringWriter();
        assertThat(ferry("mirror", "remove", "offsite", "--force", "--broker", broker.connectUrl(), "--queue", QUEUE))
                .isZero();
        assertThat(stream().exists("offsite")).isFalse();
    }

    @Test
    void removeDeletesAMirrorsQueueAndDeadLettersAndSaysWhatElseToDo() throws Exception {
        String offsite = WireFormat.mirrorQueueOf("offsite", QUEUE);
        send(offsite, 3);
        send(WireFormat.deadLetterQueueOf(offsite), 1);
        send(WireFormat.mirrorQueueOf("default", QUEUE), 1);

        assertThat(ferry("mirror", "remove", "offsite", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();

        assertThat(out.toString().lines()).containsExactly(
                "removed mirror 'offsite': its queue " + offsite + " (3 messages) and its dead-letter queue DLQ."
                        + offsite + " (1 message)",
                "a producer that keeps it makes its queue again when it next connects: take 'offsite' out of its "
                        + "--mirror list (FERRY_MIRROR, the config file); so does a consumer of mirror 'offsite' that "
                        + "starts; its destination is left as it is");
        StreamStatus after = stream();
        assertThat(after.exists("offsite")).isFalse();
        assertThat(after.mirror("default").waiting()).as("the other mirrors keep theirs").isOne();
    }

    @Test
    void removingAMirrorWithoutQueuesNamesTheMirrorsThereAre() throws Exception {
        send(WireFormat.mirrorQueueOf("default", QUEUE), 1);

        assertThat(ferry("mirror", "remove", "ofsite", "--broker", broker.connectUrl(), "--queue", QUEUE)).isOne();

        assertThat(err.toString()).isEqualTo("ferry: mirror 'ofsite' has no queue on broker " + broker.connectUrl()
                + " (its mirrors: default)" + System.lineSeparator());
    }

    @Test
    void mirrorWithoutSubcommandOrRemoveWithoutANameIsAUsageError() {
        assertThat(ferry("mirror")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: missing command: list or remove");
        err = new StringWriter();
        assertThat(ferry("mirror", "remove")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: Missing required parameter: 'NAME'");
        err = new StringWriter();
        assertThat(ferry("mirror", "remove", "two words")).isEqualTo(2);
        assertThat(err.toString()).contains("'two words' is not a mirror name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mirror", "mirror list", "mirror remove"})
    void everyMirrorCommandHasHelpWithAnExample(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        assertThat(ferry(args.toArray(String[]::new))).isZero();
        assertThat(out.toString()).contains("Example:", "ferry " + command);
    }

    /**
     * Mirror default with a consumer attached and beating, offsite away with 2 messages and a dead
     * letter, and two mirrors a producer dropped: edge, whose queue is gone, and lab, whose queue is
     * back.
     */
    private void givenFourMirrors() throws Exception {
        send(WireFormat.mirrorQueueOf("offsite", QUEUE), 2);
        send(WireFormat.deadLetterQueueOf(WireFormat.mirrorQueueOf("offsite", QUEUE)), 1);
        send(WireFormat.mirrorQueueOf("lab", QUEUE), 1);
        Connection consumer = endpoint().connect("test", 1);
        open.add(consumer);
        Session session = consumer.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        session.createConsumer(session.createQueue(WireFormat.mirrorQueueOf("default", QUEUE)));
        Path state = Files.createDirectories(dir.resolve("producer-state"));
        Files.writeString(state.resolve(MirrorMarks.FILE), "{\"version\":1,\"mirrors\":{"
                + "\"edge\":{\"droppedAt\":1740830405000,\"backlogBytes\":2200000000,\"limitBytes\":2147483648},"
                + "\"lab\":{\"droppedAt\":1740830405000,\"backlogBytes\":2200000000,\"limitBytes\":2147483648}}}");
        Clock clock = Clock.systemUTC();
        open.add(HeartbeatSender.start(endpoint(), QUEUE, Heartbeats.producer(new ProducerTally(clock),
                new ProcessIdentity("laptop", 9), QUEUE, dir, MirrorMarks.load(state), clock), clock));
        open.add(HeartbeatSender.start(endpoint(), QUEUE, Heartbeats.consumer(new ConsumerTally(clock),
                new ProcessIdentity("nas", 1), QUEUE, "default", dir, clock), clock));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        do { // until both have beaten
            out = new StringWriter();
            assertThat(ferry("mirror", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        } while (!(out.toString().contains("nas:1") && out.toString().contains("laptop:9"))
                && System.nanoTime() < deadline);
        out = new StringWriter();
    }

    private StreamStatus stream() throws Exception {
        return QueueStatistics.stream(endpoint(), QUEUE, PATIENCE);
    }

    private void send(String queue, int count) throws Exception {
        try (Connection connection = endpoint().connect("test", 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
        }
    }

    private BrokerEndpoint endpoint() {
        return new BrokerEndpoint(broker.connectUrl(), null, null);
    }

    private int ferry(String... args) {
        CommandLine commandLine = Ferry.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
