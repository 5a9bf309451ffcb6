package dev.ferry.wire;

import jakarta.jms.JMSException;

/**
 * No attempt to connect got a word from the broker: nothing listens at its address, the host is
 * unknown or unreachable, the TLS handshake failed, or what listens there is no broker. At start-up
 * this ends a producer or consumer, since the address or the trust is most likely wrong; a broker
 * that answered and then went away is waited for instead (see {@link BrokerFailures}).
 *
 * <p>The client's own failure is the cause, and its message is this one's.
 */
public final class BrokerUnreachableException extends JMSException {

    BrokerUnreachableException(JMSException failure) {
        super(failure.getMessage(), failure.getErrorCode());
        setLinkedException(failure.getLinkedException());
        initCause(failure);
    }
}
