package dev.ferry.monitor;

import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.StreamStatus;
import dev.ferry.consumer.ConsumerObserver;
import dev.ferry.producer.ProducerObserver;
import dev.ferry.wire.BrokerEndpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;

/**
 * The metrics of one ferry process, in a registry of its own: the producer's and the consumer's
 * (whichever run in it) and the broker's view of the queue. See README.md, "Metrics", for the list.
 */
public final class FerryMetrics implements AutoCloseable {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Clock clock;
    private CachedQueueStatus<StreamStatus> queueStatistics;

    public FerryMetrics(Clock clock) {
        this.clock = clock;
    }

    /** The observer that counts what a producer publishes. */
    public ProducerObserver producer() {
        return new ProducerMetrics(registry, clock);
    }

    /** The observer that counts what a consumer applies; its lag is {@code tally}'s. */
    public ConsumerObserver consumer(ConsumerTally tally) {
        return new ConsumerMetrics(registry, tally);
    }

    /**
     * Adds the broker's statistics of the stream {@code queue}, asked at scrape time: each mirror's
     * queue and dead-letter queue, and those of before mirrors.
     */
    public void queue(BrokerEndpoint endpoint, String queue) {
        if (queueStatistics != null) {
            throw new IllegalStateException("the queue's metrics are there already");
        }
        queueStatistics = new CachedQueueStatus<>(
                () -> QueueStatistics.stream(endpoint, queue, CachedQueueStatus.WAIT), clock);
        new QueueMetrics(registry, queueStatistics);
    }

    /** Serves these metrics on 127.0.0.1:{@code port}. */
    public MetricsServer serve(int port) throws IOException {
        return MetricsServer.start(port, registry);
    }

    @Override
    public void close() {
        if (queueStatistics != null) {
            queueStatistics.close();
        }
    }
}
