package dev.ferry.cli;

import dev.ferry.consumer.ConsumerObserver;
import dev.ferry.monitor.ConsumerTally;
import dev.ferry.monitor.FerryMetrics;
import dev.ferry.monitor.HeartbeatSender;
import dev.ferry.monitor.HeartbeatSource;
import dev.ferry.monitor.MetricsServer;
import dev.ferry.monitor.ProducerTally;
import dev.ferry.producer.ProducerObserver;
import dev.ferry.wire.BrokerEndpoint;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What watches a command's producer and consumer: their metrics, served when a port is given, and
 * their heartbeats. Made before anything else starts, so a taken metrics port fails the command
 * at once.
 */
final class Monitoring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);

    private final Clock clock;
    private final FerryMetrics metrics; // null: no metrics asked for
    private final MetricsServer server;

    private Monitoring(Clock clock, FerryMetrics metrics, MetricsServer server) {
        this.clock = clock;
        this.metrics = metrics;
        this.server = server;
    }

    /** Serves metrics on 127.0.0.1:{@code metricsPort}, unless it is {@code null}. */
    static Monitoring start(Integer metricsPort, Clock clock) throws IOException {
        if (metricsPort == null) {
            return new Monitoring(clock, null, null);
        }
        FerryMetrics metrics = new FerryMetrics(clock);
        MetricsServer server = metrics.serve(metricsPort);
        LOG.info("serving metrics at {}", server.url());
        return new Monitoring(clock, metrics, server);
    }

    /** The observer of a producer: its tally, and its metrics if served. */
    ProducerObserver producer(ProducerTally tally) {
        return metrics == null ? tally : ProducerObserver.all(List.of(tally, metrics.producer()));
    }

    /** The observer of a consumer: its tally, and its metrics if served. */
    ConsumerObserver consumer(ConsumerTally tally) {
        return metrics == null ? tally : ConsumerObserver.all(List.of(tally, metrics.consumer(tally)));
    }

    /** Adds the broker's view of {@code queue} to the metrics, if served. */
    void watchQueue(BrokerEndpoint endpoint, String queue) {
        if (metrics != null) {
            metrics.queue(endpoint, queue);
        }
    }

    /** Starts publishing {@code source}'s heartbeats on {@code queue}'s status topic. */
    HeartbeatSender heartbeat(BrokerEndpoint endpoint, String queue, HeartbeatSource source) {
        return HeartbeatSender.start(endpoint, queue, source, clock);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
