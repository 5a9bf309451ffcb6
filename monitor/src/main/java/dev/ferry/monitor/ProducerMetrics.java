package dev.ferry.monitor;

import dev.ferry.producer.ProducerObserver;
import dev.ferry.wire.ChangeEvent;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.List;

/** The producer's metrics: what it published, counted when the broker committed it. */
final class ProducerMetrics implements ProducerObserver {

    private final Clock clock;
    private final Counter events;
    private final Counter bytes;
    private final Counter wireBytes;
    private final Counter transactions;
    private final Gauge lastPublished;

    ProducerMetrics(PrometheusRegistry registry, Clock clock) {
        this.clock = clock;
        this.events = Counter.builder().name("ferry_producer_events_published_total")
                .help("Changes the broker committed, by kind (" + String.join(", ", EventKind.CHANGES) + ")")
                .labelNames("kind").withoutExemplars().register(registry);
        EventKind.CHANGES.forEach(kind -> events.labelValues(kind)); // Dashboards see 0, not nothing.
        this.bytes = Counter.builder().name("ferry_producer_bytes_published_total")
                .help("File body bytes the broker committed").withoutExemplars().register(registry);
        this.wireBytes = Counter.builder().name("ferry_producer_wire_bytes_total")
                .help("Message body bytes the broker committed, as they traveled (compressed where they were)")
                .withoutExemplars().register(registry);
        this.transactions = Counter.builder().name("ferry_producer_transactions_total")
                .help("Broker transactions committed").withoutExemplars().register(registry);
        this.lastPublished = Gauge.builder().name("ferry_producer_last_published_timestamp_seconds")
                .help("When the broker last committed a change (Unix time)").withoutExemplars().register(registry);
    }

    @Override
    public void committed(List<ChangeEvent> changes, long bodyBytes, long bodyWireBytes) {
        for (ChangeEvent change : changes) {
            events.labelValues(EventKind.of(change)).inc();
        }
        bytes.inc(bodyBytes);
        wireBytes.inc(bodyWireBytes);
        transactions.inc();
        if (!changes.isEmpty()) {
            lastPublished.set(clock.millis() / 1000.0);
        }
    }
}
