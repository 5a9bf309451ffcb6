package dev.ferry.cli;

import dev.ferry.wire.BrokerEndpoint;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Runs a step that talks to the broker and, when it fails for the broker's sake, says which broker
 * and why in the user's terms: "cannot reach broker tcp://host:61616: Connection refused".
 */
final class BrokerContact {

    /** A step that may fail on the broker. */
    interface Step<T> {
        T run() throws Exception;
    }

    private BrokerContact() {
    }

    static <T> T call(BrokerEndpoint endpoint, Step<T> step) throws Exception {
        try {
            return step.run();
        } catch (JMSSecurityException refused) {
            throw new IOException("broker " + endpoint + " refused the login: "
                    + ErrorReporter.describe(refused), refused);
        } catch (JMSException failed) {
            Throwable network = networkCause(failed);
            if (network != null) {
                throw new IOException("cannot reach broker " + endpoint.url() + ": "
                        + ErrorReporter.describe(network), failed);
            }
            throw new IOException("broker " + endpoint.url() + ": " + ErrorReporter.describe(failed), failed);
        }
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
