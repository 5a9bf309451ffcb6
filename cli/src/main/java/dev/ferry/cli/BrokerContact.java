package dev.ferry.cli;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.BrokerUnreachableException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a step that talks to the broker and, when it fails for the broker's sake, says which broker
 * and why in the user's terms: "cannot reach broker tcp://host:61616: Connection refused".
 */
final class BrokerContact {

    /** A step that may fail on the broker. */
    interface Step<T> {
        T run() throws Exception;
    }

    // ActiveMQ's AuthorizationBroker: "User ferry-producer is not authorized to read from: queue://ferry.changes".
    private static final Pattern FORBIDDEN =
            Pattern.compile("is not authorized to (read from|write to|create|remove): (queue|topic|temp-queue|temp-topic)://(\\S+)");
    private static final Map<String, String> VERBS =
            Map.of("read from", "read", "write to", "write to", "create", "create", "remove", "remove");

    private BrokerContact() {
    }

    static <T> T call(BrokerEndpoint endpoint, Step<T> step) throws Exception {
        try {
            return step.run();
        } catch (JMSSecurityException refused) {
            throw refusal(endpoint, refused);
        } catch (JMSException failed) {
            String tls = TlsTrouble.explain(endpoint, failed);
            if (tls != null) {
                IOException refused = new IOException("cannot connect to broker " + endpoint.url() + " over TLS: " + tls);
                // Suppressed, not the cause: the line says it all, and --verbose still shows the client's words.
                refused.addSuppressed(failed);
                throw refused;
            }
            Throwable network = networkCause(failed);
            if (network != null || failed instanceof BrokerUnreachableException) {
                // Unreachable without a network error: something took the connection and hung up
                // or said nothing a broker would say.
                throw new IOException("cannot reach broker " + endpoint.url() + ": "
                        + ErrorReporter.describe(network != null ? network : failed), failed);
            }
            throw new IOException("broker " + endpoint.url() + ": " + ErrorReporter.describe(failed), failed);
        }
    }

    /**
     * "user ferry-producer may not read queue ferry.changes on broker tcp://host:61616" when the
     * broker forbade a destination, else "broker tcp://host:61616 refused the login for user X: why".
     */
    private static IOException refusal(BrokerEndpoint endpoint, JMSSecurityException refused) {
        String who = endpoint.user() == null ? "an anonymous client" : "user " + endpoint.user();
        Matcher forbidden = FORBIDDEN.matcher(String.valueOf(refused.getMessage()));
        if (forbidden.find()) {
            IOException denied = new IOException(who + " may not " + VERBS.get(forbidden.group(1)) + " "
                    + forbidden.group(2).replace("temp-", "temporary ") + " " + forbidden.group(3)
                    + " on broker " + endpoint.url());
            // Suppressed, not the cause: the line says it all, and --verbose still shows the broker's words.
            denied.addSuppressed(refused);
            return denied;
        }
        String line = "broker " + endpoint.url() + " refused the login for " + who + ": " + ErrorReporter.describe(refused);
        return new IOException(endpoint.user() == null
                ? line + " (give --broker-user and --broker-password, or FERRY_BROKER_USER and FERRY_BROKER_PASSWORD)"
                : line,
                refused);
    }

    private static Throwable networkCause(JMSException failed) {
        Throwable t = failed.getCause() != null ? failed.getCause() : failed.getLinkedException();
        for (; t != null; t = t.getCause()) {
            // SocketException covers refused connections and unreachable hosts.
            if (t instanceof SocketException || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException) {
                return t;
            }
        }
        return null;
    }
}
