package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import jakarta.jms.JMSException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line as scripts depend on it: exit 0 when all went well, 2 for a usage error, 1 for a
 * failure at run time, and in the last two cases one line on stderr that says what went wrong.
 */
@Timeout(value = 2, unit = MINUTES)
class CliContractTest {

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final int OK = 0;
    private static final int FAILURE = 1;
    private static final int USAGE = 2;

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void aProducerWithoutASourceIsAUsageError() {
        FerryProcess producer = ferry.start("producer");

        assertThat(producer.waitForExit(QUICK)).as(producer.logTail()).isEqualTo(USAGE);
        assertThat(stderrLines(producer)).as(producer.logTail()).singleElement().asString().contains("--source");
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        FerryProcess consumer = ferry.start("consumer", "--dest", ferry.directory("destination").toString(),
                "--no-such-flag");

        assertThat(consumer.waitForExit(QUICK)).as(consumer.logTail()).isEqualTo(USAGE);
        assertThat(stderrLines(consumer)).as(consumer.logTail()).singleElement().asString().contains("--no-such-flag");
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker", "consumer", "producer", "status", "verify"})
    void everyCommandExplainsItselfWithAnExample(String command) {
        FerryProcess help = ferry.start(command, "--help");

        assertThat(help.waitForExit(QUICK)).as(help.logTail()).isEqualTo(OK);
        assertThat(help.stdout()).as(help.logTail()).contains("Example");
    }

    @Test
    void aConsumerWithNoBrokerToReachFailsWithOneLineNamingTheBroker() {
        String nobodyListens = "tcp://127.0.0.1:" + FreePorts.next();
        FerryProcess consumer = ferry.start("consumer", "--dest", ferry.directory("destination").toString(),
                "--broker", nobodyListens, "--drain");

        assertThat(consumer.waitForExit(QUICK)).as(consumer.logTail()).isEqualTo(FAILURE);
        assertThat(stderrLines(consumer)).as(consumer.logTail()).singleElement().asString()
                .contains(nobodyListens.substring("tcp://".length()));
    }

    @Test
    void statusCountsTheMessagesWaiting() throws JMSException {
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            long seq = System.currentTimeMillis() * 1000;
            for (int i = 1; i <= 3; i++) {
                ChangeEvent event = new ChangeEvent.PutDirectory(RelPath.of("dir-" + i), seq + i, 0755,
                        System.currentTimeMillis() * 1_000_000);
                queue.send(QueueClient.DEFAULT_MIRROR_QUEUE, queue.encode(event, new byte[0]));
            }
        }

        FerryProcess status = ferry.start("status", "--broker", ferry.brokerUrl());

        assertThat(status.waitForExit(QUICK)).as(status.logTail()).isEqualTo(OK);
        assertThat(status.stdout()).as(status.logTail()).containsPattern("(?im)^.*waiting\\D*\\b3\\b");
    }

    private static List<String> stderrLines(FerryProcess process) {
        return process.stderr().lines().filter(line -> !line.isBlank()).toList();
    }
}
