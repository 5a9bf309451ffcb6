package dev.ferry.cli;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.TlsStores;
import dev.ferry.wire.WireFormat;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of every command that connects to a broker: which broker, which queue, whom to trust. */
final class ConnectionOptions {

    @Option(names = "--broker", paramLabel = "URL",
            description = "Broker URL; default: $FERRY_BROKER_URL if set, else " + BrokerEndpoint.DEFAULT_URL + ".")
    String broker;

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = WireFormat.DEFAULT_QUEUE,
            description = "Queue of change events (default: ${DEFAULT-VALUE}).")
    String queue;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "For ssl:// brokers: the certificates to trust (PKCS12 or JKS); default: $FERRY_TRUST_STORE, "
                    + "else the JVM's own.")
    Path trustStore;

    @Option(names = "--trust-store-password", paramLabel = "PASSWORD",
            description = "The trust store's password; default: $FERRY_TRUST_STORE_PASSWORD.")
    String trustStorePassword;

    @Option(names = "--key-store", paramLabel = "FILE",
            description = "For brokers that want a client certificate: this client's key and certificate; "
                    + "default: $FERRY_KEY_STORE.")
    Path keyStore;

    @Option(names = "--key-store-password", paramLabel = "PASSWORD",
            description = "The key store's password; default: $FERRY_KEY_STORE_PASSWORD.")
    String keyStorePassword;

    /**
     * The broker to use, with the credentials of FERRY_BROKER_USER and FERRY_BROKER_PASSWORD and
     * the TLS stores of the flags or their environment variables.
     */
    BrokerEndpoint endpoint() {
        return withTls(BrokerEndpoint.fromEnvironment(broker), System.getenv());
    }

    /** {@code endpoint} with the trust store and key store the flags, else {@code environment}, name. */
    BrokerEndpoint withTls(BrokerEndpoint endpoint, Map<String, String> environment) {
        Path trust = trustStore != null ? trustStore : pathOf(environment.get("FERRY_TRUST_STORE"));
        Path key = keyStore != null ? keyStore : pathOf(environment.get("FERRY_KEY_STORE"));
        if (trust == null) {
            if (key != null) {
                throw new IllegalArgumentException("a key store was given without a trust store (--trust-store)");
            }
            return endpoint;
        }
        return endpoint.withTls(new TlsStores(trust,
                or(trustStorePassword, environment.get("FERRY_TRUST_STORE_PASSWORD")), key,
                or(keyStorePassword, environment.get("FERRY_KEY_STORE_PASSWORD"))));
    }

    String queue() {
        return queue;
    }

    private static Path pathOf(String value) {
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    private static String or(String flag, String variable) {
        return flag != null ? flag : variable;
    }
}
