package dev.ferry.wire;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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

    /**
     * An SSL context with these stores, as the broker client builds its own. Either store may be
     * PKCS12 or JKS: the JVM tells them apart by their contents.
     */
    public SSLContext sslContext() throws GeneralSecurityException, IOException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(KeyStore.getInstance(trustStore.toFile(), chars(trustStorePassword)));
        KeyManager[] keys = null;
        if (keyStore != null) {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(KeyStore.getInstance(keyStore.toFile(), chars(keyStorePassword)), chars(keyStorePassword));
            keys = keyManagers.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust.getTrustManagers(), null);
        return context;
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    @Override
    public String toString() {
        // Never the passwords: endpoints end up in log lines.
        return "TlsStores[trustStore=" + trustStore + (keyStore == null ? "" : ", keyStore=" + keyStore) + "]";
    }
}
