package dev.ferry.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.EOFException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ConnectionLossTest {

    @Test
    void aRuntimeFailureWithNoLossHeardIsAFaultAndStaysOne() {
        ConnectionLoss loss = new ConnectionLoss(Duration.ofMillis(50));
        IllegalArgumentException bug = new IllegalArgumentException("a bug of ours");

        assertThatThrownBy(() -> loss.explain(bug)).isSameAs(bug);
        assertThat(loss.lost()).isNull();
    }

    @Test
    void aRuntimeFailureAfterTheLossIsTheLossWithTheFailureKept() throws Exception {
        ConnectionLoss loss = new ConnectionLoss();
        JMSException heard = new JMSException("transport failed");
        heard.initCause(new EOFException("closed by the broker")); // as the client reports a lost transport
        loss.onException(heard);
        NullPointerException npe = new NullPointerException("this.transactionContext is null");

        JMSException explained = loss.explain(npe);

        assertThat(explained).isSameAs(heard);
        assertThat(explained.getSuppressed()).containsExactly(npe);
        assertThatThrownBy(loss::check).isSameAs(heard);
    }

    /** An asynchronous refusal the listener heard stays a refusal, which no waiting changes. */
    @Test
    void aRefusalHeardStaysARefusal() {
        ConnectionLoss loss = ConnectionLoss.of(new JMSSecurityException("User producer is not authorized"));

        assertThat(BrokerFailures.isRefusal(loss.explain(new NullPointerException()))).isTrue();
    }

    /** The client's thread may tell the listener after the caller met the session taken apart. */
    @Test
    void aLossHeardJustAfterTheRuntimeFailureStillExplainsIt() throws Exception {
        ConnectionLoss loss = new ConnectionLoss(Duration.ofSeconds(30));
        JMSException heard = new JMSException("transport failed");
        Thread caller = Thread.currentThread();
        Thread client = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (caller.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000); // until the caller waits for the listener
            }
            loss.onException(heard);
        });
        client.start();

        JMSException explained = loss.explain(new NullPointerException());

        assertThat(explained).isSameAs(heard);
        client.join(5_000);
    }

    @Test
    void aConnectionThisProcessClosesExplainsWhatTheCloseTookApartAndKeepsALossHeardBefore() {
        ConnectionLoss closed = new ConnectionLoss(Duration.ofMillis(50));
        closed.closing();
        assertThat(closed.explain(new NullPointerException())).hasMessageContaining("closed by this process");

        JMSException heard = new JMSException("transport failed");
        ConnectionLoss lost = ConnectionLoss.of(heard);
        lost.closing();
        assertThat(lost.lost()).isSameAs(heard);
    }

    @Test
    void aJmsFailureIsItselfLossOrNot() {
        JMSException refused = new JMSException("refused");
        assertThat(new ConnectionLoss().explain(refused)).isSameAs(refused);
        assertThat(ConnectionLoss.of(new JMSException("lost")).explain(refused)).isSameAs(refused);
    }
}
