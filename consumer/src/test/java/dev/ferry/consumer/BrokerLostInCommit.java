package dev.ferry.consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import jakarta.jms.Connection;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQSession;
import org.apache.activemq.transport.TransportListener;
import org.slf4j.LoggerFactory;

/**
 * Loses the broker while a thread is inside {@code ActiveMQSession.commit()}, past the session's
 * check that it is open and before its use of its transaction: the thread is held in the session's
 * debug line of the commit while the broker stops, until the client has disposed of the
 * connection's sessions (its transport listeners hear of the failure only after that). Then the
 * commit goes on with a session the client has taken apart, as it does by chance when a broker
 * dies mid-commit, and ActiveMQ's client 6.1 fails with a NullPointerException.
 */
final class BrokerLostInCommit implements AutoCloseable {

    private static final String COMMIT_LINE = " Transaction Commit :";
    private static final long CLEANUP_SECONDS = 10;

    private final Logger sessionLog = (Logger) LoggerFactory.getLogger(ActiveMQSession.class);
    private final Level levelBefore;
    private final boolean additiveBefore;
    private final CountDownLatch cleanedUp;
    private final UnsynchronizedAppenderBase<ILoggingEvent> hold;
    private volatile boolean held;
    private volatile String trouble;

    /** Arms the hold for the next commit on {@code connection}, which {@code loseBroker} breaks. */
    BrokerLostInCommit(Connection connection, Runnable loseBroker) {
        this(connection, loseBroker, 1);
    }

    /**
     * Arms the hold for the next commit on {@code connection}, which {@code close} closes, on the
     * committing thread: the sessions are taken apart once it returns.
     */
    static BrokerLostInCommit closedInCommit(Connection connection, Runnable close) {
        return new BrokerLostInCommit(connection, close, 0);
    }

    private BrokerLostInCommit(Connection connection, Runnable loseBroker, int failuresToHear) {
        cleanedUp = new CountDownLatch(failuresToHear);
        // A session's id starts with its connection's: only this connection's commit is held.
        String sessionOfConnection = ((ActiveMQConnection) connection).getConnectionInfo().getConnectionId() + ":";
        ((ActiveMQConnection) connection).addTransportListener(new TransportListener() {
            @Override
            public void onCommand(Object command) {
            }

            @Override
            public void onException(IOException error) {
                cleanedUp.countDown();
            }

            @Override
            public void transportInterupted() {
            }

            @Override
            public void transportResumed() {
            }
        });
        // Unsynchronized: the client's own thread logs its rollback here while the commit is held.
        hold = new UnsynchronizedAppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                String line = event.getFormattedMessage();
                if (held || !line.startsWith(sessionOfConnection) || !line.contains(COMMIT_LINE)) {
                    return;
                }
                held = true;
                loseBroker.run();
                try {
                    if (!cleanedUp.await(CLEANUP_SECONDS, TimeUnit.SECONDS)) {
                        trouble = "the client did not clean up within " + CLEANUP_SECONDS + " s of the broker's loss";
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    trouble = "interrupted while held";
                }
            }
        };
        hold.setContext(sessionLog.getLoggerContext());
        hold.start();
        levelBefore = sessionLog.getLevel();
        additiveBefore = sessionLog.isAdditive();
        sessionLog.setAdditive(false); // the debug lines are a hook, not output
        sessionLog.setLevel(Level.DEBUG);
        sessionLog.addAppender(hold);
    }

    /** Whether a commit was held while the broker was lost: false means the test tested nothing. */
    boolean happened() {
        if (trouble != null) {
            throw new AssertionError(trouble);
        }
        return held;
    }

    @Override
    public void close() {
        sessionLog.detachAppender(hold);
        sessionLog.setLevel(levelBefore);
        sessionLog.setAdditive(additiveBefore);
        hold.stop();
    }
}
