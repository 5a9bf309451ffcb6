package dev.ferry.monitor;

import dev.ferry.broker.QueueStatus;
import dev.ferry.broker.StreamStatus;
import dev.ferry.wire.WireFormat;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What the broker says about a stream's queues, asked at scrape time: each mirror's queue and
 * dead-letter queue (mirror {@link WireFormat#DEFAULT_MIRROR}'s always, the others once their queue
 * exists), and the queue of before mirrors and its dead-letter queue.
 */
final class QueueMetrics {

    QueueMetrics(PrometheusRegistry registry, CachedQueueStatus<StreamStatus> statistics) {
        GaugeWithCallback.builder().name("ferry_queue_messages_waiting")
                .help("Messages on each mirror's queue and dead-letter queue, and on those of before mirrors, "
                        + "not yet consumed, as the broker says")
                .labelNames("queue").callback(callback -> report(statistics, QueueStatus::waiting,
                        QueueStatus::deadLettered, callback)).register(registry);
        GaugeWithCallback.builder().name("ferry_queue_consumers")
                .help("Consumers attached to each mirror's queue and dead-letter queue, and to those of before "
                        + "mirrors, as the broker says")
                .labelNames("queue").callback(callback -> report(statistics, QueueStatus::consumers,
                        QueueStatus::deadLetterConsumers, callback)).register(registry);
    }

    private static void report(CachedQueueStatus<StreamStatus> statistics, ToLongFunction<QueueStatus> queue,
                               ToLongFunction<QueueStatus> deadLetters, GaugeWithCallback.Callback callback) {
        StreamStatus stream = statistics.get();
        if (stream == null) {
            return;
        }
        for (QueueStatus status : queuesOf(stream)) {
            callback.call(queue.applyAsLong(status), status.queue());
            callback.call(deadLetters.applyAsLong(status), WireFormat.deadLetterQueueOf(status.queue()));
        }
    }

    private static List<QueueStatus> queuesOf(StreamStatus stream) {
        List<QueueStatus> queues = new ArrayList<>();
        if (!stream.exists(WireFormat.DEFAULT_MIRROR)) {
            queues.add(stream.mirror(WireFormat.DEFAULT_MIRROR));
        }
        queues.addAll(stream.mirrors().values());
        queues.add(stream.legacy());
        return queues;
    }
}
