package dev.ferry.bench;

import dev.ferry.bench.FerryCommand.Role;
import dev.ferry.broker.QueueStatistics;
import dev.ferry.broker.QueueStatus;
import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.WireFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ferry as separate processes for one run: a persistent broker of its own (fresh data directory,
 * free loopback port), and the consumers and producers attached to it. {@link #close()} ends them
 * all by PID.
 *
 * <p>Completion is read from the broker rather than from the destination tree: the queue's
 * {@code waiting} count (the statistics behind {@code ferry status}) counts a message until the
 * consumer's transaction commits, which it does only after the effect is fsynced. So "the producer
 * has exited (its transactions are committed) and nothing is waiting" means the destination holds
 * everything, durably. One query is one small request to the broker; polling it every 20 ms costs
 * the machine far less than walking the destination tree.
 */
final class FerryRig implements AutoCloseable {

    /** The queue of mirror default, which the bench's one consumer applies and its producers keep. */
    private static final String QUEUE = WireFormat.mirrorQueueOf(WireFormat.DEFAULT_MIRROR, WireFormat.DEFAULT_QUEUE);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration SAY_WAITING = Duration.ofMinutes(1);
    private static final int PORT_ATTEMPTS = 3;

    private final Launcher launcher;
    private final FerryCommand ferry;
    private final Path dataDir;
    private final List<Launched> processes = new ArrayList<>();
    private BrokerEndpoint endpoint;
    private Launched broker;
    private Launched consumer;
    private final Sealing sealing;

    FerryRig(Launcher launcher, FerryCommand ferry, Path dataDir) {
        this(launcher, ferry, dataDir, Sealing.NONE);
    }

    /** A rig whose producers and consumers sign and encrypt as {@code sealing} says. */
    FerryRig(Launcher launcher, FerryCommand ferry, Path dataDir, Sealing sealing) {
        this.launcher = launcher;
        this.ferry = ferry;
        this.dataDir = dataDir;
        this.sealing = sealing;
    }

    /** Starts the broker and waits until it accepts connections. */
    Launched startBroker() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            String url = "tcp://127.0.0.1:" + freePort();
            Launched broker = launcher.start("broker", ferry.command(Role.BROKER, List.of(),
                    "broker", "--data", dataDir.toString(), "--listen", url));
            try {
                broker.awaitOutput("broker listening on ", START_TIMEOUT);
                processes.add(broker);
                endpoint = BrokerEndpoint.fromEnvironment(url);
                this.broker = broker;
                return broker;
            } catch (BenchException e) {
                // Another process may take a port between our probe and the broker's bind: try another.
                if (attempt == PORT_ATTEMPTS || !broker.output().contains("already in use")) {
                    broker.stop();
                    throw e;
                }
            }
        }
    }

    /** Starts a consumer that runs until stopped, and waits until the broker sees it attached. */
    Launched startConsumer(Path destination, List<String> jvmOptions) throws InterruptedException {
        return startConsumer(destination, jvmOptions, START_TIMEOUT);
    }

    /**
     * {@link #startConsumer(Path, List)}, waiting up to {@code timeout} for it to attach: a consumer
     * restarted on a large mirror reads its ledger first.
     */
    Launched startConsumer(Path destination, List<String> jvmOptions, Duration timeout) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("consumer", "--dest", destination.toString(), "--broker", url()));
        args.addAll(sealing.consumerArgs());
        consumer = launcher.start("consumer", ferry.command(Role.CONSUMER, jvmOptions, args.toArray(String[]::new)));
        processes.add(consumer);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status().consumers() < 1) {
            if (!consumer.isAlive() || System.nanoTime() > deadline) {
                throw new BenchException("the consumer did not attach to the queue within "
                        + Launched.seconds(timeout) + consumer.tail());
            }
            Launched.pause(POLL);
        }
        return consumer;
    }

    /**
     * Stops the consumer ({@link Launched#stop()}) and waits until the broker no longer counts it on
     * the queue, so that a consumer started next is not taken for attached before it is.
     */
    void stopConsumer() throws InterruptedException {
        consumer.stop();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (status().consumers() > 0) {
            if (System.nanoTime() > deadline) {
                throw new BenchException("the broker " + url() + " still counted a consumer on the queue "
                        + Launched.seconds(START_TIMEOUT) + " after " + consumer + " had exited");
            }
            Launched.pause(POLL);
        }
        consumer = null;
    }

    /** Starts {@code consumer --drain}, which applies what is waiting and exits. */
    Launched startDrain(Path destination) {
        Launched drain = launcher.start("consumer-drain", ferry.command(Role.CONSUMER, List.of(),
                "consumer", "--dest", destination.toString(), "--broker", url(), "--drain"));
        processes.add(drain);
        return drain;
    }

    /**
     * Starts {@code consumer --repair --drain}: it asks the producer to compare the destination with
     * what it published, applies the answer and exits.
     */
    Launched startRepair(Path destination) {
        Launched repair = launcher.start("consumer-repair", ferry.command(Role.CONSUMER, List.of(),
                "consumer", "--dest", destination.toString(), "--broker", url(), "--repair", "--drain"));
        processes.add(repair);
        return repair;
    }

    /**
     * The messages and bytes the broker has taken onto {@code destination} since it started: its
     * enqueue count, and that times the average size of those messages, as its statistics plugin says.
     */
    BrokerTraffic.Traffic traffic(String destination) {
        try {
            return BrokerTraffic.enqueued(endpoint, destination, QUERY_TIMEOUT);
        } catch (IOException | jakarta.jms.JMSException e) {
            throw new BenchException("cannot ask the broker " + url() + " about " + destination + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * What the broker has taken onto the mirror's queue, the one the consumer applies: what went
     * through the broker for that mirror, by the broker's own count (see {@link BrokerTraffic}).
     */
    BrokerTraffic.Traffic trafficThroughQueue() {
        return traffic(QUEUE);
    }

    /** Starts a producer: with {@code once}, it publishes the differences and exits; else it keeps watching. */
    Launched startProducer(Path source, Path state, boolean once, List<String> jvmOptions) {
        List<String> args = new ArrayList<>(List.of("producer", "--source", source.toString(), "--broker", url(),
                "--state", state.toString()));
        if (once) {
            args.add("--once");
        }
        args.addAll(sealing.producerArgs());
        Launched producer = launcher.start(once ? "producer-once" : "producer",
                ferry.command(Role.PRODUCER, jvmOptions, args.toArray(String[]::new)));
        processes.add(producer);
        return producer;
    }

    /**
     * Waits until no message is waiting on the queue; fails if any was dead-lettered. Returns how many
     * times it asked the broker: each query is a connection of its own, which costs the broker CPU.
     */
    int awaitDrained(Duration timeout) {
        return awaitDrained(timeout, POLL);
    }

    /**
     * {@link #awaitDrained(Duration)}, asking every 20 ms at first and then less often, every 1% of
     * the time waited so far but never more than {@code slowestPoll} apart: a consumer minutes behind
     * is not slowed by the broker answering fifty queries a second (each about 10 ms of its CPU), and
     * the end is still known to within 1%.
     */
    int awaitDrained(Duration timeout, Duration slowestPoll) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextSay = start + SAY_WAITING.toNanos();
        for (int queries = 1; ; queries++) {
            QueueStatus status = status();
            if (status.deadLettered() > 0) {
                throw new BenchException(status.deadLettered() + " message(s) were dead-lettered on " + url()
                        + (consumer == null ? "" : consumer.tail()));
            }
            if (status.waiting() == 0) {
                return queries;
            }
            if (consumer != null && !consumer.isAlive()) {
                throw new BenchException("the consumer exited with " + status.waiting() + " message(s) waiting"
                        + consumer.tail());
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException(status.waiting() + " message(s) still waiting on " + url() + " after "
                        + Launched.seconds(timeout) + (consumer == null ? "" : consumer.tail()));
            }
            if (System.nanoTime() - nextSay > 0) {
                // A long wait (a million files) says it is moving, or that it is not.
                Progress.say(status.waiting() + " message(s) waiting on the queue");
                nextSay += SAY_WAITING.toNanos();
            }
            long onePercent = (System.nanoTime() - start) / 100;
            Launched.pause(Duration.ofNanos(Math.max(POLL.toNanos(), Math.min(slowestPoll.toNanos(), onePercent))));
        }
    }

    QueueStatus status() {
        try {
            return QueueStatistics.query(endpoint, QUEUE, QUERY_TIMEOUT);
        } catch (IOException | jakarta.jms.JMSException e) {
            throw new BenchException("cannot ask the broker " + url() + " about " + QUEUE + ": " + e.getMessage()
                    + (broker.isAlive() ? "" : "; the broker has exited" + broker.tail()), e);
        }
    }

    private String url() {
        if (endpoint == null) {
            throw new IllegalStateException("start the broker first");
        }
        return endpoint.url();
    }

    /** Ends every process of this rig, newest first (producer, consumer, then broker). */
    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop();
        }
        processes.clear();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BenchException("cannot find a free port on the loopback interface: " + e.getMessage(), e);
        }
    }
}
