package dev.ferry.monitor;

import static dev.ferry.monitor.Events.attributes;
import static dev.ferry.monitor.Events.delete;
import static dev.ferry.monitor.Events.dir;
import static dev.ferry.monitor.Events.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.broker.BrokerOptions;
import dev.ferry.broker.EmbeddedBroker;
import dev.ferry.consumer.CommittedBatch;
import dev.ferry.consumer.ConsumerObserver;
import dev.ferry.producer.JmsChangeSink;
import dev.ferry.producer.ProducerObserver;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given a process's metrics served over HTTP, when changes are published and applied, then a scrape counts them. */
class FerryMetricsTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void aScrapeCountsWhatTheProducerPublishedByKind() throws Exception {
        MutableClock clock = new MutableClock(T0);
        FerryMetrics metrics = new FerryMetrics(clock);
        ProducerObserver producer = metrics.producer();
        try (MetricsServer server = metrics.serve(0)) {
            producer.committed(List.of(file("a.txt", 100, T0), file("b/c.txt", 20, T0), dir("b", T0)), 120, 40);
            producer.committed(List.of(), 4096, 4096); // the first chunks of a big body, which did not compress
            producer.committed(List.of(delete("old", T0)), 0, 0);

            Scrape scrape = Scrape.of(server.url());

            assertThat(scrape.value("ferry_producer_events_published_total{kind=\"file\"}")).isEqualTo(2);
            assertThat(scrape.value("ferry_producer_events_published_total{kind=\"dir\"}")).isEqualTo(1);
            assertThat(scrape.value("ferry_producer_events_published_total{kind=\"delete\"}")).isEqualTo(1);
            assertThat(scrape.value("ferry_producer_events_published_total{kind=\"rename\"}")).as("none yet").isZero();
            assertThat(scrape.value("ferry_producer_events_published_total{kind=\"attributes\"}")).as("none yet")
                    .isZero();
            assertThat(scrape.value("ferry_producer_bytes_published_total")).isEqualTo(4216);
            assertThat(scrape.value("ferry_producer_wire_bytes_total")).as("compressed where it paid").isEqualTo(4136);
            assertThat(scrape.value("ferry_producer_transactions_total")).isEqualTo(3);
            assertThat(scrape.value("ferry_producer_last_published_timestamp_seconds"))
                    .isEqualTo(T0.getEpochSecond());
        }
    }

    @Test
    void aScrapeCountsWhatTheConsumerAppliedAndDeadLetteredWithItsLatencyAndLag() throws Exception {
        MutableClock clock = new MutableClock(T0);
        FerryMetrics metrics = new FerryMetrics(clock);
        ConsumerTally tally = new ConsumerTally(clock);
        ConsumerObserver consumer = ConsumerObserver.all(List.of(tally, metrics.consumer(tally)));
        try (MetricsServer server = metrics.serve(0)) {
            Instant made = T0.minusMillis(300);
            consumer.committed(new CommittedBatch(5, 60, List.of(file("a.txt", 100, made), file("b.txt", 50, made),
                    attributes("a.txt", made), dir("d", T0.minusSeconds(20))),
                    List.of(new CommittedBatch.DeadLettered(null, "garbage")), T0));
            clock.advance(Duration.ofSeconds(2));

            Scrape busy = Scrape.of(server.url());

            assertThat(busy.value("ferry_consumer_events_applied_total{kind=\"file\"}")).isEqualTo(2);
            assertThat(busy.value("ferry_consumer_events_applied_total{kind=\"dir\"}")).isEqualTo(1);
            assertThat(busy.value("ferry_consumer_events_applied_total{kind=\"attributes\"}")).isEqualTo(1);
            assertThat(busy.value("ferry_consumer_bytes_applied_total")).isEqualTo(150);
            assertThat(busy.value("ferry_consumer_wire_bytes_total")).as("the batch's message bodies").isEqualTo(60);
            assertThat(busy.value("ferry_consumer_messages_total")).isEqualTo(5);
            assertThat(busy.value("ferry_consumer_events_dead_lettered_total{kind=\"unreadable\"}")).isEqualTo(1);
            assertThat(busy.value("ferry_consumer_events_dead_lettered_total{kind=\"file\"}")).isZero();
            assertThat(busy.value("ferry_consumer_apply_latency_seconds_count")).isEqualTo(4);
            assertThat(busy.value("ferry_consumer_apply_latency_seconds_bucket{le=\"0.25\"}")).isZero();
            assertThat(busy.value("ferry_consumer_apply_latency_seconds_bucket{le=\"0.5\"}")).isEqualTo(3);
            assertThat(busy.value("ferry_consumer_apply_latency_seconds_bucket{le=\"30.0\"}")).isEqualTo(4);
            assertThat(busy.value("ferry_consumer_apply_latency_seconds_sum")).isCloseTo(20.9, within());
            assertThat(busy.value("ferry_consumer_lag_seconds")).as("the last change applied is 22 s old")
                    .isCloseTo(22, within());
            assertThat(busy.value("ferry_consumer_last_applied_timestamp_seconds"))
                    .isEqualTo(T0.minusSeconds(20).getEpochSecond());

            consumer.idle();

            assertThat(Scrape.of(server.url()).value("ferry_consumer_lag_seconds")).as("caught up").isZero();
        }
    }

    @Test
    void aPortInUseIsOneLineNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(MetricsServer.ADDRESS))) {
            FerryMetrics metrics = new FerryMetrics(new MutableClock(T0));

            assertThatThrownBy(() -> metrics.serve(taken.getLocalPort()))
                    .isInstanceOf(BindException.class)
                    .hasMessage("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
        }
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.001);
    }

    @Test
    void aScrapeShowsEachMirrorsQueueAndDeadLettersAndThoseOfBeforeMirrors(@TempDir Path data) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerOptions.defaults(data)
                .withListen(URI.create("tcp://127.0.0.1:0")))) {
            BrokerEndpoint endpoint = new BrokerEndpoint(broker.connectUrl(), null, null);
            JmsChangeSink.open(endpoint, "ferry.m", List.of("default", "offsite")).close();
            try (Connection connection = endpoint.connect("test", 1)) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createTopic(WireFormat.changeTopicOf("ferry.m")))
                        .send(session.createTextMessage("to both mirrors"));
                session.createConsumer(session.createQueue(WireFormat.mirrorQueueOf("offsite", "ferry.m")
                        + "?consumer.prefetchSize=0"));
                FerryMetrics metrics = new FerryMetrics(Clock.systemUTC());
                metrics.queue(endpoint, "ferry.m");
                try (MetricsServer server = metrics.serve(0)) {
                    Scrape scrape = Scrape.of(server.url());

                    for (String mirror : List.of("default", "offsite")) {
                        String queue = WireFormat.mirrorQueueOf(mirror, "ferry.m");
                        assertThat(scrape.value("ferry_queue_messages_waiting{queue=\"" + queue + "\"}")).isOne();
                        assertThat(scrape.value("ferry_queue_messages_waiting{queue=\"DLQ." + queue + "\"}")).isZero();
                        assertThat(scrape.value("ferry_queue_consumers{queue=\"" + queue + "\"}"))
                                .isEqualTo(mirror.equals("offsite") ? 1 : 0);
                    }
                    assertThat(scrape.value("ferry_queue_messages_waiting{queue=\"ferry.m\"}")).isZero();
                    assertThat(scrape.value("ferry_queue_messages_waiting{queue=\"DLQ.ferry.m\"}")).isZero();
                } finally {
                    metrics.close();
                }
            }
        }
    }
}
