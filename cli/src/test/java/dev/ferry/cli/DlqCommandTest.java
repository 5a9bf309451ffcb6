package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventCodec;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code ferry dlq} against an embedded broker, with messages the real consumer dead-lettered. */
class DlqCommandTest {

    private static final String QUEUE = "q";
    /** Mirror default's queue, where the producer's topic puts what it publishes. */
    private static final String MIRROR_QUEUE = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, QUEUE);
    private static final String DLQ = WireFormat.deadLetterQueueOf(MIRROR_QUEUE);
    // The body is "hello"; the hash is not its hash, so the consumer dead-letters the event.
    private static final ChangeEvent.PutFile BAD_HASH = new ChangeEvent.PutFile(RelPath.of("photos/a.jpg"), 7, 0, 5, 5,
            "0".repeat(64), 0644, 1_700_000_000_000_000_000L);
    private static final String HASH_REASON = "SHA-256 mismatch for photos/a.jpg";
    private static final String GARBAGE_REASON = "not a Ferry message (no ferryVersion property)";

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(dir.resolve("broker"))
                .withListen(URI.create("tcp://127.0.0.1:0")));
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void listShowsEachDeadLetteredMessageWithItsPathKindAndReason() throws Exception {
        givenTheConsumerDeadLetteredABadHashAndGarbage();

        assertThat(ferry("dlq", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("TIME +MESSAGE ID +PATH +KIND +REASON");
        assertThat(lineWith(lines, "photos/a.jpg"))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +ID:\\S+ +photos/a\\.jpg +PutFile +"
                        + Pattern.quote(HASH_REASON) + ".*");
        assertThat(lineWith(lines, GARBAGE_REASON))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +ID:\\S+ +- +- +" + Pattern.quote(GARBAGE_REASON));
        assertThat(lines.get(3)).isEqualTo("2 messages dead-lettered on " + DLQ);
        assertThat(err.toString()).isEmpty();
        assertThat(ferry("dlq", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        assertThat(out.toString().lines()).as("listing takes nothing").contains("2 messages dead-lettered on " + DLQ);
    }

    @Test
    void listAsJsonGivesEveryMessageAsAnObject() throws Exception {
        givenTheConsumerDeadLetteredABadHashAndGarbage();

        assertThat(ferry("dlq", "list", "--json", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();

        JsonNode listed = JsonMapper.builder().build().readTree(out.toString());
        assertThat(listed.isArray()).isTrue();
        assertThat(listed).hasSize(2);
        JsonNode putFile = withPath(listed, "photos/a.jpg");
        assertThat(putFile.get("kind").asText()).isEqualTo("PutFile");
        assertThat(putFile.get("reason").asText()).startsWith(HASH_REASON);
        assertThat(putFile.get("messageId").asText()).startsWith("ID:");
        assertThat(putFile.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode garbage = withPath(listed, null);
        assertThat(garbage.get("reason").asText()).isEqualTo(GARBAGE_REASON);
        assertThat(garbage.get("kind").isNull()).isTrue();
        assertThat(garbage.fieldNames()).toIterable().containsExactly("messageId", "time", "path", "kind", "reason");
    }

    @Test
    void anEmptyDeadLetterQueueSaysSo() {
        assertThat(ferry("dlq", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        assertThat(out.toString()).isEqualTo("no dead-lettered messages on " + DLQ + System.lineSeparator());

        out = new StringWriter();
        assertThat(ferry("dlq", "list", "--json", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        assertThat(out.toString().trim()).isEqualTo("[ ]");
    }

    @Test
    void listSaysSoWhenTheBrokerShowsFewerThanItHolds() throws Exception {
        Connection connection = endpoint().connect("test", 1);
        try {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(DLQ));
            for (int i = 0; i < 401; i++) {
                producer.send(session.createTextMessage("garbage " + i));
            }
            session.commit();
        } finally {
            connection.close();
        }

        assertThat(ferry("dlq", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();

        assertThat(out.toString().lines().toList()).endsWith(
                "400 messages dead-lettered on " + DLQ,
                DLQ + " now holds 401 messages: the broker shows a browser only the first few hundred, "
                        + "or more arrived since");
    }

    @Test
    void retryAllMovesTheDecodableMessageBackAndKeepsTheGarbage() throws Exception {
        givenTheConsumerDeadLetteredABadHashAndGarbage();

        assertThat(ferry("dlq", "retry", "--all", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("moved 1 of 2 messages from " + DLQ + " back to " + MIRROR_QUEUE);
        assertThat(lines.get(1)).matches("kept ID:\\S+: " + Pattern.quote(GARBAGE_REASON)
                + "; retrying it would only dead-letter it again \\(--force moves it anyway\\)");
        BytesMessage back = (BytesMessage) receive(MIRROR_QUEUE);
        assertThat(back.getStringProperty("JMSXGroupID")).isEqualTo(WireFormat.groupOf(BAD_HASH));
        assertThat(back.propertyExists(WireFormat.DEAD_LETTER_REASON_PROPERTY)).isFalse();
        assertThat(back.propertyExists(WireFormat.DEAD_LETTER_TIME_PROPERTY)).isFalse();
        assertThat(back.propertyExists("ferryOriginalMessageId")).isFalse();
        assertThat(back.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(EventMessages.decode(back)).containsExactly(BAD_HASH);

        out = new StringWriter();
        assertThat(ferry("dlq", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        assertThat(out.toString()).contains(GARBAGE_REASON).doesNotContain("photos/a.jpg")
                .contains("1 message dead-lettered on " + DLQ);
    }

    @Test
    void retryOfAnIdThatIsNotThereIsOneLineAndMovesNothing() throws Exception {
        givenTheConsumerDeadLetteredABadHashAndGarbage();

        assertThat(ferry("dlq", "retry", "--message-id", "ID:nope", "--broker", broker.connectUrl(),
                "--queue", QUEUE)).isEqualTo(1);

        assertThat(err.toString()).isEqualTo("ferry: " + DLQ + " holds no message ID:nope" + System.lineSeparator());
        assertThat(ferry("dlq", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        assertThat(out.toString()).contains("2 messages dead-lettered on " + DLQ);
    }

    @Test
    void eachMirrorHasItsOwnDeadLettersAndMirrorDefaultAlsoThoseOfBeforeMirrors() throws Exception {
        String offsite = WireFormat.mirrorQueueOf("offsite", QUEUE);
        sendTo(WireFormat.deadLetterQueueOf(offsite), "offsite's garbage");
        sendTo(WireFormat.deadLetterQueueOf(QUEUE), "dead-lettered before mirrors");

        assertThat(ferry("dlq", "list", "--broker", broker.connectUrl(), "--queue", QUEUE, "--mirror", "offsite"))
                .isZero();
        assertThat(out.toString()).contains("1 message dead-lettered on DLQ." + offsite)
                .doesNotContain("DLQ.q");

        out = new StringWriter();
        assertThat(ferry("dlq", "list", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        assertThat(out.toString()).contains("1 message dead-lettered on DLQ.q").doesNotContain(offsite);

        out = new StringWriter();
        assertThat(ferry("dlq", "retry", "--all", "--force", "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        assertThat(out.toString().lines()).containsExactly("moved 1 of 1 message from DLQ.q back to q");
        assertThat(((jakarta.jms.TextMessage) receive(QUEUE)).getText()).isEqualTo("dead-lettered before mirrors");
    }

    @Test
    void aMirrorNameThatIsNotOneIsAUsageError() {
        assertThat(ferry("dlq", "list", "--mirror", "two words", "--broker", broker.connectUrl())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ferry: Invalid value for option '--mirror': 'two words' is not a mirror "
                + "name: use 1 to 64 letters (A-Z, a-z), digits, '-' and '_'; see 'ferry dlq list --help'"
                + System.lineSeparator());
    }

    @Test
    void retryWithoutSayingWhichIsAUsageError() {
        assertThat(ferry("dlq", "retry", "--broker", broker.connectUrl())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ferry: say which messages to move: --all or --message-id ID; "
                + "see 'ferry dlq retry --help'" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void retryOfAllAndSomeIsAUsageError() {
        assertThat(ferry("dlq", "retry", "--all", "--message-id", "ID:x")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: give either --all or --message-id, not both");
    }

    @Test
    void dlqWithoutSubcommandIsAUsageError() {
        assertThat(ferry("dlq")).isEqualTo(2);
        assertThat(err.toString()).startsWith("ferry: missing command: list or retry");
    }

    @Test
    void anUnreachableBrokerIsOneLineNamingIt() {
        assertThat(ferry("dlq", "list", "--broker", "tcp://127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("ferry: cannot reach broker tcp://127.0.0.1:1: Connection refused"
                + System.lineSeparator());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dlq", "dlq list", "dlq retry"})
    void everyDlqCommandHasHelpWithAnExample(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        assertThat(ferry(args.toArray(String[]::new))).isZero();
        assertThat(out.toString()).contains("Example:", "ferry " + command, "--verbose", "--help");
    }

    @Test
    void controlCharactersFromAMessageCannotReachTheTerminal() {
        assertThat(DeadLetterTable.printable("a\nb\tc\u001b[31m")).isEqualTo("a\\nb\\tc\\x1b[31m");
        assertThat(DeadLetterTable.printable(null)).isEqualTo("-");
    }

    private int ferry(String... args) {
        CommandLine commandLine = Ferry.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** A PutFile whose body does not match its hash, and a text message; then the consumer drains q. */
    private void givenTheConsumerDeadLetteredABadHashAndGarbage() throws Exception {
        Connection connection = endpoint().connect("test", 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(MIRROR_QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(EventMessages.encode(session, BAD_HASH, "hello".getBytes(StandardCharsets.UTF_8), 5));
            producer.send(session.createTextMessage("garbage"));
        } finally {
            connection.close();
        }
        assertThat(ferry("consumer", "--dest", dir.resolve("dst").toString(), "--drain",
                "--broker", broker.connectUrl(), "--queue", QUEUE)).isZero();
        assertThat(out.toString()).contains("2 dead-lettered");
        out = new StringWriter();
    }

    private void sendTo(String queue, String text) throws JMSException {
        Connection connection = endpoint().connect("test", 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage(text));
        } finally {
            connection.close();
        }
    }

    private Message receive(String queue) throws JMSException {
        Connection connection = endpoint().connect("test", 1);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            Message message = consumer.receive(10_000);
            assertThat(message).as("a message on " + queue).isNotNull();
            return message;
        } finally {
            connection.close();
        }
    }

    private BrokerEndpoint endpoint() {
        return new BrokerEndpoint(broker.connectUrl(), null, null);
    }

    private static String lineWith(List<String> lines, String text) {
        return lines.stream().filter(line -> line.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + text + " in " + lines));
    }

    private static JsonNode withPath(JsonNode listed, String path) {
        for (JsonNode node : listed) {
            if (path == null ? node.get("path").isNull() : path.equals(node.get("path").asText())) {
                return node;
            }
        }
        throw new AssertionError("no message with path " + path + " in " + listed);
    }
}
