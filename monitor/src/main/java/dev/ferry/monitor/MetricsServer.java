package dev.ferry.monitor;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;

/**
 * Serves metrics in the Prometheus text format at {@code http://127.0.0.1:PORT/metrics}, on the
 * loopback interface only: the numbers say what is replicated and when, which is nobody else's
 * business; a Prometheus on another machine scrapes through a proxy or an SSH tunnel.
 */
public final class MetricsServer implements AutoCloseable {

    /** The one address metrics are served on. */
    public static final String ADDRESS = "127.0.0.1";

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /**
     * Starts serving {@code registry} on {@code port} (0 picks a free one).
     *
     * @throws IOException with a message naming the address when the port is taken or not allowed
     */
    static MetricsServer start(int port, PrometheusRegistry registry) throws IOException {
        try {
            return new MetricsServer(HTTPServer.builder().hostname(ADDRESS).port(port).registry(registry)
                    .buildAndStart());
        } catch (BindException e) {
            String reason = String.valueOf(e.getMessage()).toLowerCase().contains("in use")
                    ? "address already in use" : e.getMessage();
            BindException taken = new BindException("cannot serve metrics on " + ADDRESS + ":" + port + ": " + reason);
            taken.initCause(e);
            throw taken;
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + ADDRESS + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    /** Where to scrape it. */
    public String url() {
        return "http://" + ADDRESS + ":" + port() + "/metrics";
    }

    @Override
    public void close() {
        server.close();
    }
}
