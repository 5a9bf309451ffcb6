package dev.ferry.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.producer.MirrorBacklog;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror watch's view of a real broker: the stream's mirror queues, and their removal. */
class BrokerMirrorQueuesTest {

    private static final String QUEUE = "ferry.watched";

    @TempDir
    Path data;
    private EmbeddedBroker broker;
    private BrokerEndpoint endpoint;

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0")));
        endpoint = new BrokerEndpoint(broker.connectUrl(), null, null);
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void looksAtEachMirrorQueueOnTheBrokerAndDropsOneNobodyConsumes() throws Exception {
        send(WireFormat.mirrorQueueOf("offsite", QUEUE), 3, 10_000);
        send(WireFormat.mirrorQueueOf("office", QUEUE), 1, 100);
        send(WireFormat.deadLetterQueueOf(WireFormat.mirrorQueueOf("removed", QUEUE)), 1, 100);

        try (BrokerMirrorQueues queues = new BrokerMirrorQueues(endpoint, QUEUE);
             Connection office = endpoint.connect("test", 1)) {
            Session session = office.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            session.createConsumer(session.createQueue(WireFormat.mirrorQueueOf("office", QUEUE)));

            List<MirrorBacklog> seen = queues.look();

            assertThat(seen).extracting(MirrorBacklog::mirror).as("a mirror with only dead letters has no queue")
                    .containsExactly("office", "offsite");
            MirrorBacklog offsite = seen.get(1);
            assertThat(offsite.queue()).isEqualTo(WireFormat.mirrorQueueOf("offsite", QUEUE));
            assertThat(offsite.waiting()).isEqualTo(3);
            assertThat(offsite.bytes()).isBetween(30_000L, 40_000L);
            assertThat(offsite.consumers()).isZero();

            assertThat(queues.drop("offsite")).isTrue();
            assertThat(queues.drop("office")).as("its consumer is attached").isFalse();
            assertThat(queues.look()).extracting(MirrorBacklog::mirror).containsExactly("office");
        }
    }

    private void send(String queue, int count, int size) throws Exception {
        try (Connection connection = endpoint.connect("test", 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("x".repeat(size)));
            }
        }
    }
}
