package dev.ferry.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.BrokerUser;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.broker.Forward;
import dev.ferry.consumer.CommittedBatch;
import dev.ferry.consumer.MirrorState;
import dev.ferry.producer.JmsChangeSink;
import dev.ferry.producer.MirrorMarks;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
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
    private static final String DEFAULT_QUEUE = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, QUEUE);
    private static final String OFFSITE_QUEUE = WireFormat.mirrorQueueOf("offsite", QUEUE);
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
    void statusShowsEachMirrorsWaitingMessagesTheirAgeAndTheLatestBeatOfEachProcess() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0"))
                .withBrokerName("nas"));
        BrokerEndpoint endpoint = new BrokerEndpoint(broker.connectUrl(), null, null);
        Instant beforeSending = Instant.now();
        send(endpoint, DEFAULT_QUEUE, 3);
        send(endpoint, WireFormat.deadLetterQueueOf(DEFAULT_QUEUE), 1);
        send(endpoint, OFFSITE_QUEUE, 5);
        send(endpoint, QUEUE, 2);
        ConsumerTally consumed = new ConsumerTally(Clock.systemUTC());
        Instant made = Instant.now().minusMillis(400);
        consumed.committed(new CommittedBatch(1, 5, List.of(Events.file("a/b.txt", 5, made)), List.of(),
                made.plusMillis(300)));
        ProducerTally published = new ProducerTally(Clock.systemUTC());
        published.committed(List.of(Events.file("a/b.txt", 5, made)), 5, 5);

        try (HeartbeatSender consumer = HeartbeatSender.start(endpoint, QUEUE, Heartbeats.consumer(consumed,
                new ProcessIdentity("nas", 1234), QUEUE, "offsite", Path.of("/mnt/mirror"), Clock.systemUTC()),
                Clock.systemUTC());
             HeartbeatSender producer = HeartbeatSender.start(endpoint, QUEUE, Heartbeats.producer(published,
                     new ProcessIdentity("laptop", 99), QUEUE, Path.of("/home/me/src"), droppedOffsite(),
                     Clock.systemUTC()), Clock.systemUTC())) {
            StatusReport report = await().atMost(Duration.ofSeconds(20)).until(
                    () -> StatusProbe.probe(endpoint, QUEUE, Clock.systemUTC()),
                    r -> r.processes() != null && r.processes().size() == 2);

            StatusReport.Mirror mirror = report.defaultMirror();
            assertThat(mirror.queue().name()).isEqualTo(DEFAULT_QUEUE);
            assertThat(mirror.queue().waiting()).isEqualTo(3);
            assertThat(mirror.queue().oldest()).isBetween(beforeSending.minusSeconds(1), Instant.now());
            assertThat(mirror.deadLetters().name()).isEqualTo("DLQ." + DEFAULT_QUEUE);
            assertThat(mirror.deadLetters().waiting()).isEqualTo(1);
            assertThat(report.mirrors()).extracting(StatusReport.Mirror::name).containsExactly("default", "offsite");
            assertThat(report.mirrors().get(1).queue().waiting()).isEqualTo(5);
            assertThat(report.mirrors().get(1).queue().oldest()).isNotNull();
            assertThat(report.legacy().queue().name()).isEqualTo(QUEUE);
            assertThat(report.legacy().queue().waiting()).isEqualTo(2);
            Heartbeat consumerBeat = beatOf(report, Heartbeat.CONSUMER);
            assertThat(consumerBeat.mirror()).isEqualTo("offsite");
            assertThat(consumerBeat.id()).isEqualTo("nas:1234");
            assertThat(consumerBeat.state()).isEqualTo(Heartbeat.RUNNING);
            assertThat(consumerBeat.directory()).isEqualTo("/mnt/mirror");
            assertThat(consumerBeat.last().path()).isEqualTo("a/b.txt");
            assertThat(consumerBeat.last().toLastEvent().behind()).isEqualTo(Duration.ofMillis(300));
            assertThat(consumerBeat.counters().files()).isEqualTo(1);
            assertThat(report.processes()).extracting(Heartbeat::broker).as("the broker each was published to")
                    .containsOnly("nas");
            assertThat(report.brokerName()).isEqualTo("nas");
            assertThat(beatOf(report, Heartbeat.PRODUCER).id()).isEqualTo("laptop:99");
            assertThat(MirrorDrops.of(report.processes(), "offsite")).as("what a consumer of offsite learns")
                    .containsExactly(new MirrorState.Drop("laptop:99", Instant.ofEpochMilli(1_740_830_405_000L),
                            2_200_000_000L, 2L << 30));
            assertThat(MirrorDrops.of(report.processes(), WireFormat.DEFAULT_MIRROR)).isEmpty();
        }

        StatusReport after = StatusProbe.probe(endpoint, QUEUE, Clock.systemUTC());
        assertThat(after.processes()).extracting(Heartbeat::state).containsOnly(Heartbeat.STOPPED);
    }

    @Test
    void aProducerUserSeesTheCountsButMayNotBrowseTheQueue() throws Exception {
        broker = EmbeddedBroker.start(BrokerOptions.defaults(data).withListen(URI.create("tcp://127.0.0.1:0"))
                .withUsers(PRODUCER, CONSUMER));
        BrokerEndpoint producer = new BrokerEndpoint(broker.connectUrl(), PRODUCER.name(), PRODUCER.password());
        JmsChangeSink.open(producer, QUEUE, List.of(WireFormat.DEFAULT_MIRROR)).close(); // makes mirror default's queue
        publish(producer, 2);

        StatusReport report = StatusProbe.probe(producer, QUEUE, Clock.systemUTC());

        StatusReport.Destination queue = report.defaultMirror().queue();
        assertThat(queue.waiting()).isEqualTo(2);
        assertThat(queue.oldest()).isNull();
        assertThat(queue.oldestUnknownBecause()).isEqualTo("user ferry-producer may not browse queue " + DEFAULT_QUEUE);
        assertThat(report.processes()).isEmpty();
        BrokerEndpoint consumer = new BrokerEndpoint(broker.connectUrl(), CONSUMER.name(), CONSUMER.password());
        assertThat(StatusProbe.probe(consumer, QUEUE, Clock.systemUTC()).defaultMirror().queue().oldest()).isNotNull();
    }

    @Test
    void aMirrorConsumedAtTheOtherSiteWaitsHereToBeForwardedThereOverTheLinkUpAndThenDown() throws Exception {
        URI addressB = URI.create("tcp://127.0.0.1:" + freePort());
        EmbeddedBroker siteB = EmbeddedBroker.start(BrokerOptions.defaults(data.resolve("b")).withListen(addressB)
                .withBrokerName("site-b"));
        try {
            broker = EmbeddedBroker.start(BrokerOptions.defaults(data.resolve("a"))
                    .withListen(URI.create("tcp://127.0.0.1:0")).withBrokerName("site-a")
                    .withForwards(List.of(new Forward(addressB, null, null, null))));
            BrokerEndpoint atA = new BrokerEndpoint(broker.connectUrl(), null, null);
            BrokerEndpoint atB = new BrokerEndpoint(addressB.toString(), null, null);
            send(atA, OFFSITE_QUEUE, 4); // Nobody consumes them at site-b: they stay here.
            await().atMost(Duration.ofSeconds(30)).until(() -> StatusProbe.probe(atA, QUEUE, Clock.systemUTC())
                    .linksUp(), links -> links.equals(List.of("site-b")));
            try (HeartbeatSender offsite = HeartbeatSender.start(atB, QUEUE, Heartbeats.consumer(
                    new ConsumerTally(Clock.systemUTC()), new ProcessIdentity("away", 7), QUEUE, "offsite",
                    Path.of("/mnt/offsite"), Clock.systemUTC()), Clock.systemUTC())) {
                // Only site-b is asked while the link is up: what site-a learns, it learns unasked.
                await().atMost(Duration.ofSeconds(20)).until(() -> StatusProbe.probe(atB, QUEUE, Clock.systemUTC())
                        .processes(), beats -> !beats.isEmpty());
                Thread.sleep(1000); // The link forwards the beat within milliseconds.
                siteB.close();
            }

            StatusReport report = await().atMost(Duration.ofSeconds(30)).until(
                    () -> StatusProbe.probe(atA, QUEUE, Clock.systemUTC()), r -> r.linksUp().isEmpty());

            StatusReport.Mirror mirror = report.mirrors().get(1);
            assertThat(mirror.name()).isEqualTo("offsite");
            assertThat(mirror.forwarding()).isEqualTo(new StatusReport.Forwarding("site-b", 4, false));
            assertThat(mirror.consumedAt()).isEqualTo("site-b");
            assertThat(report.defaultMirror().forwarding()).as("nobody said where mirror default is").isNull();
            assertThat(report.brokerName()).isEqualTo("site-a");
            assertThat(report.processes()).extracting(Heartbeat::broker).containsExactly("site-b");
        } finally {
            siteB.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The marks of a producer that dropped mirror offsite, as its state directory keeps them. */
    private MirrorMarks droppedOffsite() throws IOException {
        Path state = Files.createDirectories(data.resolve("producer-state"));
        Files.writeString(state.resolve(MirrorMarks.FILE), "{\"version\":1,\"mirrors\":{\"offsite\":"
                + "{\"droppedAt\":1740830405000,\"backlogBytes\":2200000000,\"limitBytes\":2147483648}}}");
        return MirrorMarks.load(state);
    }

    private static Heartbeat beatOf(StatusReport report, String role) {
        return report.processes().stream().filter(b -> b.role().equals(role)).findFirst().orElseThrow();
    }

    /** Publishes {@code count} messages on the stream's topic, as the producer does. */
    private static void publish(BrokerEndpoint endpoint, int count) throws Exception {
        try (Connection connection = endpoint.connect("test", 1)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createTopic(WireFormat.changeTopicOf(QUEUE)));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
        }
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
