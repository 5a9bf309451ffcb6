package dev.ferry.cli;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.TlsStores;
import dev.ferry.wire.WireFormat;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of every command that connects to a broker: which broker, which queue, who logs in, whom to trust. */
final class ConnectionOptions {

    @Option(names = "--broker", paramLabel = "URL", defaultValue = BrokerEndpoint.DEFAULT_URL,
            description = "Broker URL (default: ${DEFAULT-VALUE}; FERRY_BROKER_URL is read too).")
    String broker;

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = WireFormat.DEFAULT_QUEUE,
            description = "Queue of change events (default: ${DEFAULT-VALUE}).")
    String queue;

    @Mixin
    BrokerLogin login;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "For ssl:// brokers: the certificates to trust (PKCS12 or JKS); default: the JVM's own.")
    Path trustStore;

    @Option(names = "--trust-store-password", paramLabel = "PASSWORD", description = "The trust store's password.")
    String trustStorePassword;

    @Option(names = "--key-store", paramLabel = "FILE",
            description = "For brokers that want a client certificate: this client's key and certificate.")
    Path keyStore;

    @Option(names = "--key-store-password", paramLabel = "PASSWORD", description = "The key store's password.")
    String keyStorePassword;

    /** The broker to use, the user to log in as and the TLS stores to use. */
    BrokerEndpoint endpoint() {
        BrokerEndpoint endpoint = new BrokerEndpoint(broker, login.user(), login.password());
        if (trustStore == null) {
            if (keyStore != null) {
                throw new IllegalArgumentException("a key store was given without a trust store (--trust-store)");
            }
            return endpoint;
        }
        return endpoint.withTls(new TlsStores(trustStore, trustStorePassword, keyStore, keyStorePassword));
    }

    String queue() {
        return queue;
    }
}
