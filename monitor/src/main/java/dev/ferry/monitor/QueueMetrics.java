package dev.ferry.monitor;

import dev.ferry.broker.QueueStatus;
import dev.ferry.wire.WireFormat;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** What the broker says about the queue and its dead-letter queue, asked at scrape time. */
final class QueueMetrics {

    QueueMetrics(PrometheusRegistry registry, CachedQueueStatus statistics) {
        GaugeWithCallback.builder().name("ferry_queue_messages_waiting")
                .help("Messages on the queue (and on its dead-letter queue) not yet consumed, as the broker says")
                .labelNames("queue").callback(callback -> {
                    QueueStatus status = statistics.get();
                    if (status != null) {
                        callback.call(status.waiting(), status.queue());
                        callback.call(status.deadLettered(), WireFormat.deadLetterQueueOf(status.queue()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ferry_queue_consumers")
                .help("Consumers attached to the queue (and to its dead-letter queue), as the broker says")
                .labelNames("queue").callback(callback -> {
                    QueueStatus status = statistics.get();
                    if (status != null) {
                        callback.call(status.consumers(), status.queue());
                        callback.call(status.deadLetterConsumers(), WireFormat.deadLetterQueueOf(status.queue()));
                    }
                }).register(registry);
    }
}
