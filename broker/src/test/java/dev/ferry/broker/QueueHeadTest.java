package dev.ferry.broker;

import static dev.ferry.broker.EmbeddedBrokerTest.endpoint;
import static dev.ferry.broker.EmbeddedBrokerTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.BrokerEndpoint;
import jakarta.jms.Connection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueHeadTest {

    @TempDir
    Path data;
    private EmbeddedBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0")));
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void theOldestMessageIsTheFirstSentAndStaysOnTheQueue() throws Exception {
        BrokerEndpoint endpoint = endpoint(broker);
        Instant before = Instant.now();
        send(endpoint, "ferry.head", "first");
        Instant between = Instant.now();
        send(endpoint, "ferry.head", "second");

        try (Connection connection = endpoint.connect("test", 1)) {
            Instant oldest = QueueHead.oldest(connection, "ferry.head");

            assertThat(oldest).isBetween(before.minusMillis(1), between.plusMillis(1));
        }
        assertThat(EmbeddedBrokerTest.receive(endpoint, "ferry.head")).isEqualTo("first");
    }

    @Test
    void anEmptyQueueHasNoOldestMessage() throws Exception {
        try (Connection connection = endpoint(broker).connect("test", 1)) {
            assertThat(QueueHead.oldest(connection, "ferry.empty")).isNull();
        }
    }
}
