package dev.ferry.tests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import dev.ferry.wire.WireFormat;
import jakarta.jms.BytesMessage;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a producer of wire version 1 left on the queue is applied by a consumer of today after an
 * upgrade, over TCP to a broker of its own, with one exception: a name outside Unicode's Basic
 * Multilingual Plane, which version 1 let the broker's string coder corrupt, is dead-lettered with
 * a reason that says what to do, and never applied under the wrong name.
 */
@Timeout(value = 2, unit = MINUTES)
class WireUpgradeTest {

    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    private long seq = System.currentTimeMillis() * 1000;

    @Test
    void aVersionOneBacklogIsAppliedExceptTheNamesTheBrokerCorrupted() throws Exception {
        Path destination = ferry.directory("destination");
        try (QueueClient queue = QueueClient.connect(ferry.brokerUrl())) {
            queue.send(WireFormat.DEFAULT_QUEUE, versionOne(queue, "caf\u00e9-\u4e2d.txt", "in the BMP\n"));
            queue.send(WireFormat.DEFAULT_QUEUE, versionOne(queue, "lost-\uD83D\uDE00.txt", "outside it\n"));
            byte[] now = "sent again by an upgraded producer\n".getBytes(UTF_8);
            queue.send(WireFormat.DEFAULT_QUEUE, queue.encode(putFile("lost-\uD83D\uDE00.txt", now), now));
        }

        FerryProcess drain = ferry.consumer(destination, "--drain");
        drain.waitForSuccess(DRAIN);

        assertThat(TreeSnapshot.of(destination).paths()).as("%s", drain.logTail())
                .containsExactlyInAnyOrder("caf\u00e9-\u4e2d.txt", "lost-\uD83D\uDE00.txt");
        assertThat(destination.resolve("lost-\uD83D\uDE00.txt")).hasContent("sent again by an upgraded producer");
        FerryProcess list = ferry.start("dlq", "list", "--json", "--broker", ferry.brokerUrl());
        list.waitForSuccess(FerryHarness.STATUS_TIMEOUT);
        JsonNode deadLetters = JSON.readTree(list.stdout());
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).get("reason").asText()).contains("wire version 1")
                .contains("touch the path in the source to publish it again");
    }

    /** The message a producer of wire version 1 sent for a file: its event JSON with every character as it is. */
    private BytesMessage versionOne(QueueClient queue, String path, String content) throws Exception {
        byte[] body = content.getBytes(UTF_8);
        BytesMessage message = queue.encode(putFile(path, body), body);
        String ascii = message.getStringProperty(WireFormat.EVENT_PROPERTY);
        message.setIntProperty(WireFormat.VERSION_PROPERTY, 1);
        message.setStringProperty(WireFormat.EVENT_PROPERTY, JSON.writeValueAsString(JSON.readTree(ascii)));
        return message;
    }

    private ChangeEvent.PutFile putFile(String path, byte[] body) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        return new ChangeEvent.PutFile(RelPath.of(path), ++seq, 0, body.length, body.length, sha, 0644,
                System.currentTimeMillis() * 1_000_000);
    }
}
