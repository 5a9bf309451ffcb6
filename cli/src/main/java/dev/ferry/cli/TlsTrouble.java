package dev.ferry.cli;

import dev.ferry.wire.BrokerEndpoint;
import java.net.SocketException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Why a connection to an {@code ssl://} broker failed, in the user's terms and with the flag that
 * fixes it: "the broker's certificate is not trusted by the JVM's default trust store: give
 * --trust-store ..." rather than "PKIX path building failed" or "Connection or outbound has closed".
 */
final class TlsTrouble {

    /** How long the second handshake (see {@link BrokerEndpoint#tlsHandshakeFailure}) may take. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private TlsTrouble() {
    }

    /**
     * What went wrong in the TLS handshake behind {@code failure}, or {@code null} when it was not
     * a TLS failure. When the broker client was left with a closed socket instead of the
     * handshake's own error, the handshake is tried again to learn it.
     */
    static String explain(BrokerEndpoint endpoint, Throwable failure) {
        if (!endpoint.url().contains("ssl://")) {
            return null;
        }
        SSLException handshake = find(failure, SSLHandshakeException.class);
        if (handshake == null && (find(failure, SSLException.class) != null || find(failure, SocketException.class) != null)) {
            handshake = endpoint.tlsHandshakeFailure(PROBE_TIMEOUT);
        }
        return handshake == null ? null : phrase(endpoint, handshake);
    }

    private static String phrase(BrokerEndpoint endpoint, SSLException handshake) {
        String reason = ErrorReporter.describe(handshake);
        String lower = reason.toLowerCase(Locale.ROOT);
        if (find(handshake, CertPathBuilderException.class) != null || lower.contains("certification path")) {
            return endpoint.tls() == null
                    ? "the broker's certificate is not trusted by the JVM's default trust store: give --trust-store"
                            + " with the broker's certificate or its issuer"
                    : "the broker's certificate is not trusted: the trust store " + endpoint.tls().trustStore()
                            + " holds neither it nor its issuer";
        }
        if (find(handshake, CertificateExpiredException.class) != null
                || find(handshake, CertificateNotYetValidException.class) != null) {
            return "the broker's certificate is out of its validity period (" + reason + ")";
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return "the broker's certificate is not issued for the host in " + endpoint.url() + " (" + reason + ")";
        }
        if (lower.contains("bad_certificate") || lower.contains("certificate_required")) {
            return "the broker wants a client certificate it trusts: give --key-store (" + reason + ")";
        }
        return "the TLS handshake failed: " + reason;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        return ErrorReporter.chainOf(failure).stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }
}
