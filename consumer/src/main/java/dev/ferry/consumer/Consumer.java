package dev.ferry.consumer;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.EventMessages;
import dev.ferry.wire.WireFormatException;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes change events off the queue and applies them to the replica, in JMS transactions that
 * commit only after their effects are durable: guaranteed delivery end to end.
 *
 * <p>One transaction holds up to a batch of messages. Before it commits, staged bodies, changed
 * directories and the ledger are fsynced; a crash before the commit redelivers the batch, and the
 * ledger and the idempotent file operations make the second application change nothing.
 */
public final class Consumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Consumer.class);

    /** How many messages the broker pushes ahead; bounded so big chunks cannot exhaust the heap. */
    static final int PREFETCH = 64;
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration DRAIN_QUIET = Duration.ofMillis(1500);

    private final ConsumerSettings settings;
    private final BrokerEndpoint endpoint;
    private final Clock clock;
    private final Connection connection;
    private final Session session;
    private final MessageConsumer receiver;
    private final DeadLetterChannel deadLetters;
    private final FailurePolicy failures;
    private final Replica replica;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private volatile boolean running;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private long messages;
    private long applied;
    private long deadLettered;

    private Consumer(ConsumerSettings settings, BrokerEndpoint endpoint, Clock clock, Replica replica,
                     Connection connection) throws JMSException {
        this.settings = settings;
        this.endpoint = endpoint;
        this.clock = clock;
        this.replica = replica;
        this.connection = connection;
        this.session = connection.createSession(true, Session.SESSION_TRANSACTED);
        this.receiver = session.createConsumer(session.createQueue(settings.queue()));
        this.deadLetters = new DeadLetterChannel(session, settings.queue(), clock);
        this.failures = new FailurePolicy(clock);
    }

    public static Consumer open(ConsumerSettings settings, BrokerEndpoint endpoint) throws IOException, JMSException {
        return open(settings, endpoint, Clock.systemUTC());
    }

    static Consumer open(ConsumerSettings settings, BrokerEndpoint endpoint, Clock clock)
            throws IOException, JMSException {
        Replica replica = Replica.open(settings.destination());
        Connection connection = null;
        try {
            connection = endpoint.connect("consumer", PREFETCH);
            return new Consumer(settings, endpoint, clock, replica, connection);
        } catch (JMSException | RuntimeException e) {
            replica.close();
            if (connection != null) {
                connection.close();
            }
            throw e;
        }
    }

    /** Applies events until {@link #close()} is called from another thread. */
    public void run() throws IOException, InterruptedException {
        loop(false);
    }

    /** Applies everything waiting in the queue, then returns. */
    public ApplySummary drain() throws IOException, InterruptedException {
        return loop(true);
    }

    private ApplySummary loop(boolean drain) throws IOException, InterruptedException {
        long started = clock.millis();
        running = true;
        log.info("consumer applying {} from {} to {}", settings.queue(), endpoint, settings.destination());
        try {
            Batch batch = new Batch();
            long quietSince = clock.millis();
            while (stopRequested.getCount() > 0) {
                Message message = receive(batch.isEmpty() ? IDLE_POLL.toMillis() : 1);
                if (message == null) {
                    if (!batch.isEmpty()) {
                        commit(batch);
                    } else if (drain && clock.millis() - quietSince >= DRAIN_QUIET.toMillis()) {
                        break;
                    }
                    continue;
                }
                quietSince = clock.millis();
                if (!take(message, batch)) {
                    rollback(batch);
                    failures.awaitBackoff(stopRequested);
                } else if (batch.isFull(settings)) {
                    commit(batch);
                }
            }
            if (!batch.isEmpty()) {
                commit(batch);
            }
        } catch (JMSException e) {
            throw new IOException("lost the broker " + endpoint + ": " + describe(e), e);
        } finally {
            running = false;
            loopDone.countDown();
        }
        return new ApplySummary(messages, applied, deadLettered, Duration.ofMillis(clock.millis() - started));
    }

    private Message receive(long timeoutMillis) throws JMSException {
        return receiver.receive(timeoutMillis);
    }

    /**
     * Applies one message inside the open transaction.
     *
     * @return false when applying failed for a reason that may pass (a full disk, say): the
     *         caller rolls the transaction back and tries again later
     */
    private boolean take(Message message, Batch batch) throws JMSException {
        batch.add(message);
        ChangeEvent event;
        try {
            event = EventMessages.decode(message);
        } catch (WireFormatException e) {
            deadLetter(message, e.getMessage());
            return true;
        }
        try {
            if (replica.applier().apply(event, (BytesMessage) message)) {
                applied++;
            }
            failures.succeeded();
            return true;
        } catch (PoisonException e) {
            deadLetter(message, e.getMessage());
            return true;
        } catch (IOException | RuntimeException e) {
            int attempt = deliveryCount(message);
            if (failures.isPoison(e, attempt)) {
                deadLetter(message, "failed " + attempt + " times applying " + event.path() + ": " + describe(e));
                return true;
            }
            failures.failed(e, event.path(), settings.destination());
            return false;
        }
    }

    private void deadLetter(Message message, String reason) throws JMSException {
        deadLetters.send(message, reason);
        deadLettered++;
    }

    private void commit(Batch batch) throws JMSException, IOException {
        replica.makeDurable(batch.hadBodies());
        session.commit();
        messages += batch.size();
        batch.clear();
    }

    private void rollback(Batch batch) throws JMSException, IOException {
        session.rollback();
        replica.forgetUncommitted();
        batch.clear();
    }

    private static int deliveryCount(Message message) {
        try {
            return message.propertyExists("JMSXDeliveryCount") ? message.getIntProperty("JMSXDeliveryCount") : 1;
        } catch (JMSException e) {
            return 1;
        }
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (e instanceof JMSException jms && jms.getLinkedException() != null) {
            cause = jms.getLinkedException();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** Stops applying, finishing or rolling back the transaction in flight, and disconnects. */
    @Override
    public void close() {
        stopRequested.countDown();
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (running && !loopDone.await(10, TimeUnit.SECONDS)) {
                log.warn("consumer did not stop within 10 s; closing the connection under it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close(); // rolls back an open transaction
        } catch (JMSException e) {
            log.debug("closing the connection to {}", endpoint, e);
        }
        try {
            replica.close();
        } catch (IOException e) {
            log.warn("closing the replica at {}: {}", settings.destination(), e.getMessage());
        }
    }

    /** The messages of the open transaction. */
    private static final class Batch {
        private int size;
        private long bytes;
        private boolean bodies;

        void add(Message message) throws JMSException {
            size++;
            if (message instanceof BytesMessage body) {
                bytes += body.getBodyLength();
                bodies |= body.getBodyLength() > 0;
            }
        }

        boolean isEmpty() {
            return size == 0;
        }

        boolean isFull(ConsumerSettings settings) {
            return size >= settings.batchMessages() || bytes >= settings.batchBytes();
        }

        boolean hadBodies() {
            return bodies;
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
            bytes = 0;
            bodies = false;
        }
    }
}
