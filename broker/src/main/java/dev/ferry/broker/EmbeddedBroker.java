package dev.ferry.broker;

import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.TransportConnector;
import org.apache.activemq.broker.region.policy.FixedCountSubscriptionRecoveryPolicy;
import org.apache.activemq.broker.region.policy.IndividualDeadLetterStrategy;
import org.apache.activemq.broker.region.policy.PolicyEntry;
import org.apache.activemq.broker.region.policy.PolicyMap;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.security.AuthenticationUser;
import org.apache.activemq.security.SimpleAuthenticationPlugin;
import org.apache.activemq.store.SharedFileLocker;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.activemq.usage.SystemUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent ActiveMQ Classic broker inside this process, configured like
 * {@code broker-config/activemq.xml}: KahaDB, one dead-letter queue per queue
 * ({@link WireFormat#deadLetterQueueOf}), the statistics plugin that {@link QueueStatistics} asks,
 * and producer flow control within fixed memory and disk limits. Like the distribution, it keeps
 * ActiveMQ's default virtual topics, which copy what is published on {@code VirtualTopic.<queue>}
 * to every mirror's queue ({@link WireFormat#changeTopicOf}).
 *
 * <p>It installs no shutdown hook: whoever starts it decides when to {@link #close()} it, after the
 * producer and consumer that use it.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** The group the one configured user belongs to: the admins of {@link AccessRules}. */
    public static final String USER_GROUP = BrokerUser.Role.ADMIN.group();

    /**
     * How many of the latest heartbeats a status topic keeps for a new subscriber: enough for the
     * last beat of every producer and consumer of a queue, bounded in memory (a beat is under 1 KiB).
     */
    public static final int STATUS_MESSAGES_KEPT = 200;

    /**
     * What the broker's caches of messages may hold in all (messages beyond what fits are on disk
     * only): 256 MiB, four times {@link #QUEUE_MEMORY_LIMIT} as it always was, or half the heap
     * when that is less (a small machine's default heap; {@code ferry up} shares its heap with a
     * producer and a consumer). ActiveMQ itself only steps in when the limit exceeds the whole heap.
     */
    static final long MEMORY_LIMIT = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 2);
    // When the store is full, producers block (flow control) instead of the disk filling up.
    private static final long STORE_LIMIT = 8L << 30;
    private static final long TEMP_LIMIT = 2L << 30;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How often an active broker checks that it still holds its store's lock, and so how long a
     * standby that took the lock waits before it writes ({@link FencingLocker}); broker-config's
     * lockKeepAlivePeriod is the same, and the distribution waits it likewise.
     */
    static final Duration LOCK_KEEP_ALIVE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final BrokerService service;
    private final String connectUrl;
    private final DataDirectoryLock lock;
    private final ForwardWatch forwards;

    private EmbeddedBroker(BrokerService service, String connectUrl, DataDirectoryLock lock, ForwardWatch forwards) {
        this.service = service;
        this.connectUrl = connectUrl;
        this.lock = lock;
        this.forwards = forwards;
    }

    /**
     * Starts a broker as {@code options} say and returns once it accepts connections.
     *
     * @throws BindException when the listen address is taken, with a message naming it
     * @throws IOException   when the data directory cannot be used, e.g. another broker holds it
     */
    public static EmbeddedBroker start(BrokerOptions options) throws IOException {
        Path dataDir = options.dataDir().toAbsolutePath();
        Files.createDirectories(dataDir);
        return startHolding(options, dataDir, DataDirectoryLock.acquire(dataDir), false);
    }

    /**
     * Starts a broker in {@code dataDir}, whose {@code lock} the caller took and this broker then
     * owns: released when it stops, or here when it fails to start. {@code takingOver}: another
     * broker held the directory until now, and may not know yet that it lost it ({@link FencingLocker}).
     */
    static EmbeddedBroker startHolding(BrokerOptions options, Path dataDir, DataDirectoryLock lock, boolean takingOver)
            throws IOException {
        try {
            return start(options, dataDir, lock, takingOver);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static EmbeddedBroker start(BrokerOptions options, Path dataDir, DataDirectoryLock lock,
                                        boolean takingOver) throws IOException {
        BrokerService service = configure(options, dataDir, takingOver);
        TransportConnector connector = options.listen() == null ? null : bind(service, options.listen());
        try {
            service.start();
        } catch (Exception e) {
            stop(service);
            throw new IOException("cannot start the broker in " + dataDir + ": " + rootMessage(e), e);
        }
        String url = connector == null ? inProcessUrl(options.brokerName()) : boundUrl(options.listen(), connector);
        LOG.info("broker {} started: data in {}, reachable at {}", options.brokerName(), dataDir, url);
        return new EmbeddedBroker(service, url, lock, ForwardWatch.start(service, options.forwards()));
    }

    /** The URL other processes connect to: the bound address, or the in-process URL when not listening. */
    public String connectUrl() {
        return connectUrl;
    }

    /** The URL for connections from this process, which bypass the network. */
    public String inProcessUrl() {
        return inProcessUrl(service.getBrokerName());
    }

    private static String inProcessUrl(String brokerName) {
        return "vm://" + brokerName + "?create=false";
    }

    /** Whether every link to a broker this one forwards to is up (true when it forwards nowhere). */
    boolean forwardingLinksUp() {
        return forwards == null || forwards.allUp();
    }

    /** Blocks until the broker has stopped, by {@link #close()} or because it failed. */
    public void awaitStopped() {
        service.waitUntilStopped();
    }

    /** Stops the broker, waiting a bounded time (30 seconds) for it to finish. */
    @Override
    public void close() {
        if (forwards != null) {
            forwards.close();
        }
        Thread stopper = new Thread(() -> stop(service), "ferry-broker-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            // The lock stays held (until the process exits): a standby taking the data directory
            // now would find KahaDB's own lock still taken and fail instead of waiting.
            LOG.warn("broker still stopping after {} s; not waiting any longer", STOP_TIMEOUT.toSeconds());
            return;
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.debug("releasing the data directory lock failed", e);
        }
    }

    private static BrokerService configure(BrokerOptions options, Path dataDir, boolean takingOver)
            throws IOException {
        BrokerService service = new BrokerService();
        service.setBrokerName(options.brokerName());
        service.setPersistent(true);
        service.setUseJmx(false);
        service.setUseShutdownHook(false);
        service.setSchedulerSupport(false);
        service.setDataDirectoryFile(dataDir.toFile());
        service.setTmpDataDirectory(dataDir.resolve("tmp").toFile());
        service.setPersistenceAdapter(kahaDb(dataDir.resolve("kahadb"), takingOver));
        service.setDestinationPolicy(queuePolicy());
        service.setPlugins(plugins(options));
        limitUsage(service.getSystemUsage(), dataDir);
        Forwarding.configure(service, options);
        return service;
    }

    private static KahaDBPersistenceAdapter kahaDb(Path directory, boolean takingOver) throws IOException {
        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(directory.toFile());
        SharedFileLocker locker = takingOver ? new FencingLocker(LOCK_KEEP_ALIVE) : new SharedFileLocker();
        // A second broker on the same data must fail at once; the default waits for the lock forever.
        locker.setFailIfLocked(true);
        kahaDb.setLocker(locker);
        // On a shared file system, a broker whose lock was taken from it (an NFS lease expired
        // while its host was cut off) stops within 2 s rather than writing beside the new active one.
        kahaDb.setLockKeepAlivePeriod(LOCK_KEEP_ALIVE.toMillis());
        return kahaDb;
    }

    /**
     * What one queue's messages may take of {@link #MEMORY_LIMIT}: a quarter, so a queue, its
     * dead-letter queue and two more fit. It must hold the consumer's prefetch window (16 MiB of
     * chunks dispatched, not yet acknowledged, which count against it) with the cache's share
     * ({@link #CURSOR_HIGH_WATER_MARK}) to spare: at 16 MiB the window alone filled it, the queue's
     * cursor logged "cursor blocked, no space available to page in messages" and every chunk
     * beyond the window was dropped from memory once stored and read back from the journal
     * before dispatch. Measured on bench scenario 3's transfer (1 GiB, broker, consumer and
     * producer over TCP, 2 cores, runs alternated): broker CPU 5.3 / 5.9 / 6.7 s at 64 MiB against
     * 6.0 to 7.4 s at 16 MiB. At least 16 MiB, what it always was, so that a small heap still
     * leaves room for a producer's 8 MiB transaction beside the cache.
     */
    static final long QUEUE_MEMORY_LIMIT = Math.max(16L << 20, MEMORY_LIMIT / 4);
    /**
     * The share of a queue's memory its cache of waiting messages may fill; the rest is room for
     * open transactions (a producer's is up to 8 MiB). At ActiveMQ's default of 70%, a queue
     * with no consumer filled its cache, and the next transaction could never complete: the
     * producer blocked for good.
     */
    static final int CURSOR_HIGH_WATER_MARK = 40;

    private static PolicyMap queuePolicy() {
        IndividualDeadLetterStrategy deadLetters = new IndividualDeadLetterStrategy();
        deadLetters.setQueuePrefix(WireFormat.deadLetterQueueOf(""));
        deadLetters.setUseQueueForQueueMessages(true);
        deadLetters.setProcessNonPersistent(false);
        PolicyEntry queues = new PolicyEntry();
        queues.setQueue(">");
        queues.setDeadLetterStrategy(deadLetters);
        queues.setProducerFlowControl(true);
        // Each queue caches at most this much of its backlog in memory and keeps the rest on disk
        // only. Without it every queue may cache up to the broker's whole limit: with a backlog
        // on one queue, a producer on another blocked for good (seen with 40 MB waiting).
        queues.setMemoryLimit(QUEUE_MEMORY_LIMIT);
        queues.setCursorMemoryHighWaterMark(CURSOR_HIGH_WATER_MARK);
        PolicyMap policy = new PolicyMap();
        policy.setPolicyEntries(List.of(queues, statusTopics()));
        return policy;
    }

    /**
     * Status topics keep their latest heartbeats, so `ferry status` sees every producer and consumer
     * at once, without waiting for their next beat: a retroactive subscriber gets them first.
     */
    private static PolicyEntry statusTopics() {
        FixedCountSubscriptionRecoveryPolicy latest = new FixedCountSubscriptionRecoveryPolicy();
        latest.setMaximumSize(STATUS_MESSAGES_KEPT);
        PolicyEntry topics = new PolicyEntry();
        topics.setTopic(WireFormat.STATUS_TOPIC_PREFIX + ">");
        topics.setSubscriptionRecoveryPolicy(latest);
        return topics;
    }

    private static BrokerPlugin[] plugins(BrokerOptions options) {
        List<BrokerPlugin> plugins = new ArrayList<>();
        plugins.add(new StatisticsBrokerPlugin());
        if (options.authenticated()) {
            plugins.add(AccessRules.pluginFor(WireFormat.DEFAULT_QUEUE, AccessRules.SHIPPED_MIRRORS));
            // Installed last so it wraps the others: nothing is answered before the login is checked.
            SimpleAuthenticationPlugin authentication = new SimpleAuthenticationPlugin(users(options));
            authentication.setAnonymousAccessAllowed(false);
            plugins.add(authentication);
        }
        return plugins.toArray(BrokerPlugin[]::new);
    }

    private static List<AuthenticationUser> users(BrokerOptions options) {
        List<AuthenticationUser> users = new ArrayList<>();
        if (options.user() != null) {
            // The one user of `ferry up` and `ferry broker` is both sides and may see everything.
            users.add(new AuthenticationUser(options.user(), options.password(), USER_GROUP));
        }
        List<BrokerUser> others = new ArrayList<>(options.users());
        others.addAll(Forwarding.forwardUsers(options)); // The links' users log in here too.
        for (BrokerUser user : others) {
            users.add(new AuthenticationUser(user.name(), user.password(), user.groups()));
        }
        return users;
    }

    private static void limitUsage(SystemUsage usage, Path dataDir) throws IOException {
        // Below the free space, so the broker never has to shrink the limits itself (it warns when it does).
        long usable = Files.getFileStore(dataDir).getUsableSpace();
        usage.getMemoryUsage().setLimit(MEMORY_LIMIT);
        usage.getStoreUsage().setLimit(Math.min(STORE_LIMIT, usable / 2));
        usage.getTempUsage().setLimit(Math.min(TEMP_LIMIT, usable / 4));
    }

    private static TransportConnector bind(BrokerService service, URI listen) throws IOException {
        try {
            return service.addConnector(listen);
        } catch (Exception e) {
            BindException taken = find(e, BindException.class);
            if (taken != null) {
                String reason = String.valueOf(taken.getMessage()).toLowerCase().contains("in use")
                        ? "address already in use" : taken.getMessage();
                BindException failure = new BindException("cannot listen on " + listen + ": " + reason);
                failure.initCause(e);
                throw failure;
            }
            throw new IOException("cannot listen on " + listen + ": " + rootMessage(e), e);
        }
    }

    private static String boundUrl(URI listen, TransportConnector connector) throws IOException {
        try {
            // The connector reports the port it really bound (port 0 picks one), but a resolved host
            // name; the host asked for is the one known to work.
            int port = connector.getConnectUri().getPort();
            return new URI(listen.getScheme(), null, listen.getHost(), port, null, null, null).toString();
        } catch (Exception e) {
            throw new IOException("cannot tell where the broker listens: " + rootMessage(e), e);
        }
    }

    private static void stop(BrokerService service) {
        try {
            service.stop();
            service.waitUntilStopped();
        } catch (Exception e) {
            LOG.warn("broker did not stop cleanly: {}", rootMessage(e));
        }
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
