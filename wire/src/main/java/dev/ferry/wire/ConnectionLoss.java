package dev.ferry.wire;

import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;

/**
 * The exception listener of one connection: whether, and how, the broker was lost, so that a link
 * learns of it even between calls.
 *
 * <p>It also tells a lost broker from a bug when a call on the connection's session throws a
 * {@link RuntimeException}. ActiveMQ's client, when its transport fails, disposes of the
 * connection's sessions on its own thread, and a session disposed between a call's check that it is
 * open and its use of its transaction fails with a {@link NullPointerException} (seen in
 * {@code ActiveMQSession.send} and {@code commit}, client 6.1.7: a producer exited on it when its
 * broker was killed). The client tells this listener first, on the same thread that then disposes
 * of the sessions, so a runtime failure met once a loss is recorded is that loss ({@link #explain});
 * one met without is a fault to report, not an outage to wait out.
 */
public final class ConnectionLoss implements ExceptionListener {

    private volatile JMSException lost;

    /** A listener that has heard nothing yet. */
    public ConnectionLoss() {
    }

    /** A loss already known: that of a link the broker broke while it was being made. */
    public static ConnectionLoss of(JMSException failure) {
        ConnectionLoss loss = new ConnectionLoss();
        loss.lost = failure;
        return loss;
    }

    @Override
    public void onException(JMSException failure) {
        lost = failure;
    }

    /** The failure that lost the broker, or null while the connection stands. */
    public JMSException lost() {
        return lost;
    }

    /** Throws the failure that lost the broker, if it was lost. */
    public void check() throws JMSException {
        JMSException failure = lost;
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * {@code failure}, thrown by a call on this connection, as a JMS failure: a {@link JMSException}
     * as it is; a {@link RuntimeException} as the loss of the broker when one was recorded (the
     * loss's message and cause, {@code failure} kept as suppressed).
     *
     * @param failure a {@link JMSException} or a {@link RuntimeException}
     * @throws RuntimeException {@code failure} itself, when it is one and no loss was recorded
     */
    public JMSException explain(Exception failure) {
        if (failure instanceof JMSException jms) {
            return jms;
        }
        RuntimeException runtime = (RuntimeException) failure;
        JMSException known = lost;
        if (known == null) {
            throw runtime;
        }
        JMSException loss = new JMSException(known.getMessage(), known.getErrorCode());
        loss.setLinkedException(known.getLinkedException() != null ? known.getLinkedException() : known);
        loss.initCause(loss.getLinkedException());
        loss.addSuppressed(runtime);
        return loss;
    }
}
