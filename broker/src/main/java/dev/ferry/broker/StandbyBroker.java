package dev.ferry.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker that starts as soon as its data directory is free: at once when no other broker holds
 * it, otherwise as the standby of the one that does, taking over when that one dies or stops. Two
 * brokers on one directory (a shared file system between two hosts) make a pair with one active.
 *
 * <p>The standby binds no port while it waits, so clients given both addresses in a
 * {@code failover:} URL are refused by it at once and move on to the active one; it recovers every
 * committed message from the journal when it takes over.
 */
public final class StandbyBroker implements AutoCloseable {

    /** What a standby is told while it waits. */
    public interface Listener {
        /** Called once, when the data directory turns out to be held by another broker. */
        void standingBy(Path dataDir);
    }

    /** How often a standby asks for the lock: the most a takeover waits before recovery begins. */
    static final Duration POLL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(StandbyBroker.class);

    private final BrokerOptions options;
    private final CountDownLatch closing = new CountDownLatch(1);
    private EmbeddedBroker started;

    public StandbyBroker(BrokerOptions options) {
        this.options = options;
    }

    /**
     * Waits until the data directory is free, then starts the broker and returns it once it accepts
     * connections.
     *
     * @throws InterruptedException when {@link #close()} was called first
     * @throws IOException          when the directory cannot be used or the broker cannot start
     */
    public EmbeddedBroker start(Listener listener) throws IOException, InterruptedException {
        Path dataDir = options.dataDir().toAbsolutePath();
        Files.createDirectories(dataDir);
        Forwarding.check(options); // Now, not when it takes over, hours later.
        long waitStarted = System.nanoTime();
        boolean[] waited = {false};
        DataDirectoryLock lock = DataDirectoryLock.await(dataDir, POLL, () -> {
            waited[0] = true;
            LOG.info("standby: {}; waiting to take over", DataDirectoryLock.inUse(dataDir));
            listener.standingBy(dataDir);
        }, closing);
        if (waited[0]) {
            LOG.info("took over broker data directory {} after {} s on standby", dataDir,
                    String.format("%.1f", (System.nanoTime() - waitStarted) / 1e9));
        }
        EmbeddedBroker broker = EmbeddedBroker.startHolding(options, dataDir, lock, waited[0]);
        synchronized (this) {
            if (closing.getCount() > 0) {
                started = broker;
                return broker;
            }
        }
        broker.close(); // close() ran while it started.
        throw new InterruptedException("the broker was stopped while it started");
    }

    /** Stops waiting, or stops the broker once started. */
    @Override
    public void close() {
        EmbeddedBroker broker;
        synchronized (this) {
            closing.countDown();
            broker = started;
        }
        if (broker != null) {
            broker.close();
        }
    }
}
