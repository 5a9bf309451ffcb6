package dev.ferry.wire;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Finds out why a TLS connection to a broker fails, by shaking hands once more on a socket of its
 * own with the same trust.
 *
 * <p>The broker client cannot always tell: its reading thread and the connecting thread both
 * start the handshake, and when the reader loses it the connecting thread is left with "Connection
 * or outbound has closed" (seen here in one connection of five to a broker whose certificate was
 * not trusted). A second handshake, run alone, fails for the real reason.
 */
final class TlsProbe {

    /** The ssl:// addresses in a URL, failover lists included: {@code ssl://host:port}. */
    private static final Pattern SSL_ADDRESS = Pattern.compile("ssl://([^:/?,()]+|\\[[^]]+]):(\\d+)([^,)]*)");

    private TlsProbe() {
    }

    /**
     * The failure of a handshake with the first ssl:// address of {@code url} that fails one, or
     * {@code null} when every handshake succeeds or the URL has no ssl:// address.
     */
    static SSLException handshakeFailure(String url, SSLContext context, Duration timeout) {
        for (Address address : sslAddresses(url)) {
            SSLException failure = handshake(address, context, timeout);
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    record Address(String host, int port, boolean verifyHostName) {
    }

    static List<Address> sslAddresses(String url) {
        List<Address> addresses = new ArrayList<>();
        Matcher matcher = SSL_ADDRESS.matcher(url);
        while (matcher.find()) {
            String host = matcher.group(1).replaceAll("^\\[|]$", "");
            // The broker client checks the certificate's names unless the URL turns it off.
            boolean verify = !matcher.group(3).toLowerCase(Locale.ROOT).contains("verifyhostname=false");
            addresses.add(new Address(host, Integer.parseInt(matcher.group(2)), verify));
        }
        return addresses;
    }

    private static SSLException handshake(Address address, SSLContext context, Duration timeout) {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(address.host(), address.port()), millis);
            socket.setSoTimeout(millis);
            if (address.verifyHostName()) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
            }
            socket.startHandshake();
            return null;
        } catch (SSLException failure) {
            return failure;
        } catch (IOException | RuntimeException notTls) {
            return null; // Not a TLS failure: the broker client's own error says it.
        }
    }
}
