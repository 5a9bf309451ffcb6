package dev.ferry.monitor;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a process's heartbeat on its queue's status topic ({@link WireFormat#statusTopicOf})
 * every {@link #INTERVAL}, and sooner (at most once a {@link #MIN_GAP}) when it changed; a last
 * one, {@link Heartbeat#STOPPED}, when closed.
 *
 * <p>Beats are non-persistent and expire after {@link #TIME_TO_LIVE}: they are news, not data.
 * They travel on a connection of their own, on a thread of their own, so a broker that is slow or
 * gone never holds up replication; beats that cannot be sent are dropped, and the connection is
 * made again for the next one.
 *
 * <p>Each beat names the broker it is published to ({@link Heartbeat#broker}), as the connection
 * learnt it from the broker, so a beat that crossed a link to another site says where it came from.
 */
public final class HeartbeatSender implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofSeconds(5);
    static final Duration MIN_GAP = Duration.ofSeconds(1);
    static final Duration TIME_TO_LIVE = Duration.ofHours(1);
    private static final Duration TICK = Duration.ofMillis(250);
    private static final Duration LAST_BEAT_WAIT = Duration.ofSeconds(3);
    private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);

    private final BrokerEndpoint endpoint;
    private final String topic;
    private final HeartbeatSource source;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    // Only touched on the sender's thread.
    private Connection connection;
    private MessageProducer producer;
    private Session session;
    private long sentVersion = -1;
    private long sentAt;
    private boolean warned;

    private HeartbeatSender(BrokerEndpoint endpoint, String queue, HeartbeatSource source, Clock clock) {
        this.endpoint = endpoint;
        this.topic = WireFormat.statusTopicOf(queue);
        this.source = source;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "ferry-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts beating for {@code source} on the status topic of {@code queue}; the first beat goes out at once. */
    public static HeartbeatSender start(BrokerEndpoint endpoint, String queue, HeartbeatSource source, Clock clock) {
        HeartbeatSender sender = new HeartbeatSender(endpoint, queue, source, clock);
        sender.thread.scheduleWithFixedDelay(sender::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        return sender;
    }

    private void tick() {
        long version = source.version();
        long since = clock.millis() - sentAt;
        boolean changed = version != sentVersion && since >= MIN_GAP.toMillis();
        if (changed || since >= INTERVAL.toMillis()) {
            send(source.beat(Heartbeat.RUNNING), version);
        }
    }

    private void send(Heartbeat beat, long version) {
        sentAt = clock.millis(); // A failed beat waits for the next interval too: no storm of connection attempts.
        try {
            if (producer == null) {
                connect();
            }
            // Asked at each beat, not once: a failover: connection that moved to the other broker of
            // a pair hears that broker's name, and the beat must name the broker it reaches.
            TextMessage message = session.createTextMessage(
                    HeartbeatCodec.toJson(beat.withBroker(BrokerEndpoint.brokerName(connection))));
            producer.send(message);
            sentVersion = version;
            if (warned) {
                log.info("publishing heartbeats on topic {} again", topic);
                warned = false;
            }
        } catch (JMSException | RuntimeException e) {
            disconnect();
            if (!warned) {
                log.warn("cannot publish heartbeats on topic {} at {}: {}; `ferry status` will not show this {}",
                        topic, endpoint, describe(e), beat.role());
                warned = true;
            } else {
                log.debug("heartbeat not sent: {}", describe(e));
            }
        }
    }

    private void connect() throws JMSException {
        connection = endpoint.connect("heartbeat", 1);
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        producer = session.createProducer(session.createTopic(topic));
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        producer.setTimeToLive(TIME_TO_LIVE.toMillis());
    }

    private void disconnect() {
        Connection open = connection;
        connection = null;
        session = null;
        producer = null;
        if (open != null) {
            try {
                open.close();
            } catch (JMSException | RuntimeException ignored) {
                // Dropped because it failed; closing it may fail too.
            }
        }
    }

    /** Sends the last beat, saying the process stopped, and disconnects; waits a bounded time for both. */
    @Override
    public void close() {
        if (thread.isShutdown()) {
            return;
        }
        thread.execute(() -> {
            send(source.beat(Heartbeat.STOPPED), source.version());
            disconnect();
        });
        thread.shutdown();
        try {
            if (!thread.awaitTermination(LAST_BEAT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.debug("the last heartbeat was not sent within {} ms", LAST_BEAT_WAIT.toMillis());
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }

    private static String describe(Exception e) {
        Throwable cause = e;
        if (e instanceof JMSException jms && jms.getLinkedException() != null) {
            cause = jms.getLinkedException();
        }
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
