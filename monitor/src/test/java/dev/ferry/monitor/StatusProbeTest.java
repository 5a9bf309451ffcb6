package dev.ferry.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.BrokerUser;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.consumer.CommittedBatch;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given a broker with heartbeating processes and waiting messages, when status is probed, then it sees them all. */
class StatusProbeTest {

    private static final String QUEUE = WireFormat.DEFAULT_QUEUE;
    private static final BrokerUser PRODUCER = new BrokerUser("ferry-producer", "p", BrokerUser.Role.PRODUCER);
    private static final BrokerUser CONSUMER = new BrokerUser("ferry-consumer", "c", BrokerUser.Role.CONSUMER);

    @TempDir
    Path data;
    private EmbeddedBroker broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void statusShowsWaitingMessagesTheirAgeAndTheLatestBeatOfEachProcess() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0")));
        BrokerEndpoint endpoint = new BrokerEndpoint(broker.connectUrl(), null, null);
        Instant beforeSending = Instant.now();
        send(endpoint, QUEUE, 3);
        send(endpoint, WireFormat.deadLetterQueueOf(QUEUE), 1);
        ConsumerTally consumed = new ConsumerTally(Clock.systemUTC());
        Instant made = Instant.now().minusMillis(400);
        consumed.committed(new CommittedBatch(1, 5, List.of(Events.file("a/b.txt", 5, made)), List.of(),
                made.plusMillis(300)));
        ProducerTally published = new ProducerTally(Clock.systemUTC());
        published.committed(List.of(Events.file("a/b.txt", 5, made)), 5);

        try (HeartbeatSender consumer = HeartbeatSender.start(endpoint, QUEUE, Heartbeats.consumer(consumed,
                new ProcessIdentity("nas", 1234), QUEUE, Path.of("/mnt/mirror"), Clock.systemUTC()), Clock.systemUTC());
             HeartbeatSender producer = HeartbeatSender.start(endpoint, QUEUE, Heartbeats.producer(published,
                     new ProcessIdentity("laptop", 99), QUEUE, Path.of("/home/me/src"), Clock.systemUTC()),
                     Clock.systemUTC())) {
            StatusReport report = await().atMost(Duration.ofSeconds(20)).until(
                    () -> StatusProbe.probe(endpoint, QUEUE, Clock.systemUTC()),
                    r -> r.processes() != null && r.processes().size() == 2);

            assertThat(report.queue().waiting()).isEqualTo(3);
            assertThat(report.queue().oldest()).isBetween(beforeSending.minusSeconds(1), Instant.now());
            assertThat(report.deadLetters().name()).isEqualTo("DLQ." + QUEUE);
            assertThat(report.deadLetters().waiting()).isEqualTo(1);
            Heartbeat consumerBeat = beatOf(report, Heartbeat.CONSUMER);
            assertThat(consumerBeat.id()).isEqualTo("nas:1234");
            assertThat(consumerBeat.state()).isEqualTo(Heartbeat.RUNNING);
            assertThat(consumerBeat.directory()).isEqualTo("/mnt/mirror");
            assertThat(consumerBeat.last().path()).isEqualTo("a/b.txt");
            assertThat(consumerBeat.last().toLastEvent().behind()).isEqualTo(Duration.ofMillis(300));
            assertThat(consumerBeat.counters().files()).isEqualTo(1);
            assertThat(beatOf(report, Heartbeat.PRODUCER).id()).isEqualTo("laptop:99");
        }

        StatusReport after = StatusProbe.probe(endpoint, QUEUE, Clock.systemUTC());
        assertThat(after.processes()).extracting(Heartbeat::state).containsOnly(Heartbeat.STOPPED);
    }

    @Test
    void aProducerUserSeesTheCountsButMayNotBrowseTheQueue() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0"))
                .withUsers(PRODUCER, CONSUMER));
        BrokerEndpoint producer = new BrokerEndpoint(broker.connectUrl(), PRODUCER.name(), PRODUCER.password());
        send(producer, QUEUE, 2);

        StatusReport report = StatusProbe.probe(producer, QUEUE, Clock.systemUTC());

        assertThat(report.queue().waiting()).isEqualTo(2);
        assertThat(report.queue().oldest()).isNull();
        assertThat(report.queue().oldestUnknownBecause()).isEqualTo("user ferry-producer may not browse queue " + QUEUE);
        assertThat(report.processes()).isEmpty();
        BrokerEndpoint consumer = new BrokerEndpoint(broker.connectUrl(), CONSUMER.name(), CONSUMER.password());
        assertThat(StatusProbe.probe(consumer, QUEUE, Clock.systemUTC()).queue().oldest()).isNotNull();
    }

    private static Heartbeat beatOf(StatusReport report, String role) {
        return report.processes().stream().filter(b -> b.role().equals(role)).findFirst().orElseThrow();
    }

    private static void send(BrokerEndpoint endpoint, String queue, int count) throws Exception {
        try (Connection connection = endpoint.connect("test", 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
        }
    }
}
