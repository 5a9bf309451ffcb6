package dev.ferry.wire;

import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;

/**
 * Which failures of the broker a producer or consumer waits out, reconnecting, and which end it.
 *
 * <p>The rule: a process gives up only on a broker that never answered its very first connection
 * ({@link BrokerUnreachableException}) or that refused it ({@link #isRefusal}). Once the broker has
 * answered, every other failure is the broker going away, at whatever moment it happens: in the
 * middle of the login, while the first session is made, or at any time later.
 */
public final class BrokerFailures {

    private BrokerFailures() {
    }

    /**
     * Whether the broker said no and would say it again: a refused login, a queue the user may not
     * use, a queue name it rejects. Waiting changes nothing.
     */
    public static boolean isRefusal(JMSException failure) {
        return failure instanceof JMSSecurityException || failure instanceof InvalidDestinationException;
    }

    /**
     * Whether {@code failure}, met while a producer or consumer makes its first connection, is the
     * broker going away after it had answered: to be waited for like any later loss, not reported.
     */
    public static boolean isLostAtStart(JMSException failure) {
        return !(failure instanceof BrokerUnreachableException) && !isRefusal(failure);
    }
}
