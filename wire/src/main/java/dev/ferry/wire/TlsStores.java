package dev.ferry.wire;

import java.nio.file.Path;
import java.util.Objects;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQSslConnectionFactory;

/**
 * The key stores of a TLS ({@code ssl://}) connection to the broker: whom to trust, and optionally
 * who we are (for a broker that asks clients for a certificate).
 *
 * @param trustStore         the broker certificates (or their issuers) to trust, a PKCS12 or JKS file
 * @param trustStorePassword its password, or {@code null} when it has none
 * @param keyStore           this client's key and certificate, or {@code null} to present none
 * @param keyStorePassword   its password, or {@code null}
 */
public record TlsStores(Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword) {

    public TlsStores {
        Objects.requireNonNull(trustStore, "trust store");
    }

    /** Trust what {@code trustStore} holds; present no client certificate. */
    public static TlsStores trusting(Path trustStore, String trustStorePassword) {
        return new TlsStores(trustStore, trustStorePassword, null, null);
    }

    /** A connection factory that uses these stores for {@code ssl://} URLs (and others as usual). */
    ActiveMQConnectionFactory connectionFactory(String user, String password, String url) {
        ActiveMQSslConnectionFactory factory = new ActiveMQSslConnectionFactory(url);
        factory.setUserName(user);
        factory.setPassword(password);
        try {
            // The stores are only named here; they are read when a connection is made.
            factory.setTrustStore(trustStore.toAbsolutePath().toString());
            factory.setTrustStorePassword(trustStorePassword);
            if (keyStore != null) {
                factory.setKeyStore(keyStore.toAbsolutePath().toString());
                factory.setKeyStorePassword(keyStorePassword);
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot use " + this + ": " + e.getMessage(), e);
        }
        return factory;
    }

    @Override
    public String toString() {
        // Never the passwords: endpoints end up in log lines.
        return "TlsStores[trustStore=" + trustStore + (keyStore == null ? "" : ", keyStore=" + keyStore) + "]";
    }
}
