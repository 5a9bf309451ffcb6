package dev.ferry.wire;

import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * of the sessions, so a runtime failure met with a loss recorded is that loss ({@link #explain}).
 * Without one it waits a little for the listener, event-driven: the caller's thread may see the
 * session taken apart before it sees the listener's record (nothing orders the two for it), and
 * a fault, which is what a runtime failure without a loss is, surfaces a moment later.
 */
public final class ConnectionLoss implements ExceptionListener {

    /** How long a runtime failure waits for the listener to hear of a loss before it is taken for a fault. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final Duration grace;
    private final CountDownLatch heard = new CountDownLatch(1);
    private volatile JMSException lost;

    /** A listener that has heard nothing yet. */
    public ConnectionLoss() {
        this(GRACE);
    }

    ConnectionLoss(Duration grace) {
        this.grace = grace;
    }

    /** A loss already known: that of a link the broker broke while it was being made. */
    public static ConnectionLoss of(JMSException failure) {
        ConnectionLoss loss = new ConnectionLoss();
        loss.onException(failure);
        return loss;
    }

    @Override
    public void onException(JMSException failure) {
        lost = failure;
        heard.countDown();
    }

    /**
     * Records, before this process closes the connection, that it does: its own close takes the
     * sessions apart too, without telling the listener, and a call under way on another thread (a
     * publish that close() stopped waiting for) then fails as the closed connection, not as a fault.
     * A loss heard before stays the one recorded.
     */
    public void closing() {
        if (lost == null) {
            onException(new JMSException("the connection was closed by this process"));
        }
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

    /** A call on the connection's session. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws JMSException;
    }

    /** A call on the connection's session that returns nothing. */
    @FunctionalInterface
    public interface Action {
        void run() throws JMSException;
    }

    /**
     * The result of {@code call}, made only while no loss is known, a runtime failure of it
     * {@linkplain #explain explained}.
     */
    public <T> T call(Call<T> call) throws JMSException {
        check();
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw explain(e);
        }
    }

    /** Runs {@code action} as {@link #call} makes a call. */
    public void run(Action action) throws JMSException {
        call(() -> {
            action.run();
            return null;
        });
    }

    /**
     * {@code failure}, thrown by a call on this connection, as a JMS failure: a {@link JMSException}
     * as it is; a {@link RuntimeException} as the loss of the broker when one was recorded, or is
     * heard within a moment (2 s): the loss itself, of its own type (a refusal stays one, see
     * {@link BrokerFailures#isRefusal}), with {@code failure} added to it as suppressed.
     *
     * @param failure a {@link JMSException} or a {@link RuntimeException}
     * @throws RuntimeException {@code failure} itself, when it is one and no loss was heard
     */
    public JMSException explain(Exception failure) {
        if (failure instanceof JMSException jms) {
            return jms;
        }
        if (!(failure instanceof RuntimeException runtime)) {
            throw new IllegalArgumentException("not a failure of a JMS call: " + failure, failure);
        }
        JMSException known = heardWithinGrace();
        if (known == null) {
            throw runtime;
        }
        known.addSuppressed(runtime);
        return known;
    }

    private JMSException heardWithinGrace() {
        try {
            heard.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // what was heard so far decides
        }
        return lost;
    }
}
