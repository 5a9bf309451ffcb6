package dev.ferry.monitor;

import dev.ferry.consumer.CommittedBatch;
import dev.ferry.consumer.ConsumerObserver;
import dev.ferry.wire.ChangeEvent;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/**
 * The consumer's metrics: what it applied and dead-lettered, counted when its transaction
 * committed, how long changes took from the producer to the replica, and how far behind it is.
 */
final class ConsumerMetrics implements ConsumerObserver {

    /** The kind of a dead-lettered message that carried no readable event. */
    static final String UNREADABLE = "unreadable";

    // From a quick local apply to a backlog of an hour.
    private static final double[] LATENCY_BUCKETS =
            {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};

    private final Counter applied;
    private final Counter bytes;
    private final Counter wireBytes;
    private final Counter messages;
    private final Counter deadLettered;
    private final Counter transactions;
    private final Histogram latency;

    ConsumerMetrics(PrometheusRegistry registry, ConsumerTally tally) {
        this.applied = Counter.builder().name("ferry_consumer_events_applied_total")
                .help("Changes applied to the replica and committed, by kind ("
                        + String.join(", ", EventKind.CHANGES) + ")")
                .labelNames("kind").withoutExemplars().register(registry);
        this.bytes = Counter.builder().name("ferry_consumer_bytes_applied_total")
                .help("Bytes of the file bodies applied to the replica").withoutExemplars().register(registry);
        this.wireBytes = Counter.builder().name("ferry_consumer_wire_bytes_total")
                .help("Message body bytes taken off the queue and committed, as they traveled (compressed where "
                        + "they were)").withoutExemplars().register(registry);
        this.messages = Counter.builder().name("ferry_consumer_messages_total")
                .help("Messages taken off the queue and committed").withoutExemplars().register(registry);
        this.deadLettered = Counter.builder().name("ferry_consumer_events_dead_lettered_total")
                .help("Messages moved to the dead-letter queue, by kind (" + UNREADABLE + " when they carried no "
                        + "readable event)").labelNames("kind").withoutExemplars().register(registry);
        // Dashboards see 0, not nothing, for what has not happened yet.
        EventKind.CHANGES.forEach(kind -> {
            applied.labelValues(kind);
            deadLettered.labelValues(kind);
        });
        deadLettered.labelValues(UNREADABLE);
        this.transactions = Counter.builder().name("ferry_consumer_transactions_total")
                .help("Consumer transactions committed").withoutExemplars().register(registry);
        this.latency = Histogram.builder().name("ferry_consumer_apply_latency_seconds")
                .help("From the producer seeing a change to the replica holding it durably")
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("ferry_consumer_lag_seconds")
                .help("Age of the change applied last while messages remain to apply; 0 once the queue is empty")
                .callback(callback -> callback.call(seconds(tally.lag()))).register(registry);
        GaugeWithCallback.builder().name("ferry_consumer_last_applied_timestamp_seconds")
                .help("When the change applied last was made by the producer (Unix time)")
                .callback(callback -> {
                    LastEvent last = tally.snapshot().last();
                    if (last != null) {
                        callback.call(last.createdAt().toEpochMilli() / 1000.0);
                    }
                }).register(registry);
    }

    @Override
    public void committed(CommittedBatch batch) {
        for (ChangeEvent event : batch.applied()) {
            applied.labelValues(EventKind.of(event)).inc();
            if (event instanceof ChangeEvent.FileVersion file) {
                bytes.inc(file.size());
            }
            Duration took = Duration.between(EventTimes.createdAt(event), batch.committedAt());
            latency.observe(took.isNegative() ? 0 : seconds(took));
        }
        for (CommittedBatch.DeadLettered dead : batch.deadLettered()) {
            deadLettered.labelValues(dead.event() == null ? UNREADABLE : EventKind.of(dead.event())).inc();
        }
        messages.inc(batch.messages());
        wireBytes.inc(batch.wireBytes());
        transactions.inc();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
