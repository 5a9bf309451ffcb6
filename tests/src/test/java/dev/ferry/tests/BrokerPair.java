package dev.ferry.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Two brokers on one data directory, each listening on a port of its own when active, as a pair on
 * a shared file system runs: one active, the other its standby, which binds nothing until the
 * active one dies and it takes over. Clients reach whichever is active through {@link
 * #failoverUrl()}, which lists both ports, in order; both are picked before either broker binds, so
 * the standby's is known while it waits.
 *
 * <p>The brokers are {@code ferry broker}s ({@link FerryHarness#standbyPair()}), or two instances of
 * the ActiveMQ distribution configured by {@code broker-config/activemq.xml} ({@link
 * FerryHarness#distributionStandbyPair()}). Either way the harness's broker is the active one, so
 * its processes and status queries connect through the failover URL, and it stops both at the end.
 */
final class BrokerPair {

    /** What a ferry broker prints on stdout once it accepts connections. */
    static final String LISTENING = "^broker listening on ";
    /** What a ferry broker prints on stdout, once, when another broker holds its data directory. */
    static final String STANDING_BY = "^broker standing by: ";

    private final FerryHarness ferry;
    private final Path data;
    private final Kind kind;
    private Member active;
    private Member standby;
    private long killedAt;

    /** A broker of the pair (0 or 1) and its process. */
    private record Member(int index, FerryProcess process) {
    }

    /** How a kind of broker is started, and what it says as a standby and when it took over. */
    private interface Kind {

        int port(int index);

        /** Starts broker {@code index} and returns once it listens (or, {@code asStandby}, once it stands by). */
        FerryProcess launch(int index, boolean asStandby);

        /** Waits for a broker started as a standby to have taken over: it listens. */
        void awaitTakeover(int index, FerryProcess process);

        /** {@code process} said once that it stood by, and once that it took over. */
        void assertTookOverHavingStoodByOnce(FerryProcess process);
    }

    private BrokerPair(FerryHarness ferry, Path data, Kind kind) {
        this.ferry = ferry;
        this.data = data;
        this.kind = kind;
    }

    /** Starts a {@code ferry broker} on the first port, then its standby on the second, and waits for both to say so. */
    static BrokerPair ofFerryBrokers(FerryHarness ferry, Path data) {
        int first = FreePorts.next();
        int second = FreePorts.next();
        while (second == first) {
            second = FreePorts.next();
        }
        return new BrokerPair(ferry, data, new FerryBrokers(ferry, data, List.of(first, second))).started();
    }

    /**
     * Starts an ActiveMQ distribution broker configured by broker-config/activemq.xml, then a second
     * instance on its data directory (its standby, through the configuration's shared-file-locker),
     * and waits for both to say so.
     */
    static BrokerPair ofDistribution(FerryHarness ferry) {
        DistributionBroker first = DistributionBroker.in(ferry.workspace());
        DistributionBroker second = first.standby();
        return new BrokerPair(ferry, first.data(), new Distribution(List.of(first, second))).started();
    }

    private BrokerPair started() {
        active = new Member(0, kind.launch(0, false));
        standby = new Member(1, kind.launch(1, true));
        return this;
    }

    /** Both brokers' addresses, the first broker's first, with {@code randomize=false}. */
    String failoverUrl() {
        return "failover:(" + url(kind.port(0)) + "," + url(kind.port(1)) + ")?randomize=false";
    }

    /** {@code tcp://127.0.0.1:<port>}, as the failover URL lists it and a client says it failed over to it. */
    static String url(int port) {
        return "tcp://127.0.0.1:" + port;
    }

    /** The data directory both brokers are given. */
    Path data() {
        return data;
    }

    FerryProcess active() {
        return active.process();
    }

    int activePort() {
        return kind.port(active.index());
    }

    /** The broker waiting to take over; fails if there is none. */
    FerryProcess standby() {
        return requireStandby().process();
    }

    int standbyPort() {
        return kind.port(requireStandby().index());
    }

    /** Kills the active broker (-9), the way a crash or a power cut would; the standby is left to notice. */
    void killActive() {
        requireStandby();
        active.process().kill();
        killedAt = System.nanoTime();
    }

    /**
     * Waits for the standby to take over from the broker {@link #killActive()} killed (to say that
     * it listens), makes it the active one, the harness's broker, and returns how long after the
     * kill it listened.
     */
    Duration awaitTakeover() {
        Member next = requireStandby();
        if (active.process().isAlive()) {
            throw new IllegalStateException("the active broker " + active.process() + " still runs; kill it first");
        }
        kind.awaitTakeover(next.index(), next.process());
        Duration after = Duration.ofNanos(System.nanoTime() - killedAt);
        active = next;
        standby = null;
        ferry.useBroker(active.process(), failoverUrl());
        return after;
    }

    /**
     * Starts the broker that was killed again, on its port and the same data, and waits for it to
     * say it stands by: the killed broker restarted as the new standby.
     */
    FerryProcess startStandby() {
        if (standby != null) {
            throw new IllegalStateException("the pair has its standby already: " + standby.process());
        }
        int index = 1 - active.index();
        standby = new Member(index, kind.launch(index, true));
        return standby.process();
    }

    /** {@code broker} said once that it stood by, and once that it took over. */
    void assertTookOverHavingStoodByOnce(FerryProcess broker) {
        kind.assertTookOverHavingStoodByOnce(broker);
    }

    private Member requireStandby() {
        if (standby == null) {
            throw new IllegalStateException("the pair has no standby; start one with startStandby()");
        }
        return standby;
    }

    /** {@code ferry broker --data DATA --listen tcp://127.0.0.1:PORT}. */
    private record FerryBrokers(FerryHarness ferry, Path data, List<Integer> ports) implements Kind {

        @Override
        public int port(int index) {
            return ports.get(index);
        }

        @Override
        public FerryProcess launch(int index, boolean asStandby) {
            FerryProcess broker = ferry.start("broker", "--data", data.toString(), "--listen", url(port(index)));
            broker.waitForOutput(asStandby ? STANDING_BY : LISTENING, FerryHarness.BROKER_START);
            return broker;
        }

        @Override
        public void awaitTakeover(int index, FerryProcess process) {
            process.waitForOutput(LISTENING, FerryHarness.BROKER_START);
        }

        @Override
        public void assertTookOverHavingStoodByOnce(FerryProcess broker) {
            assertThat(broker.stdout().lines().filter(line -> line.startsWith("broker standing by")))
                    .as("what %s printed while it stood by", broker)
                    .containsExactly("broker standing by: " + data.resolve("broker")
                            + " is in use by another broker; taking over when it stops");
            assertThat(broker.logLinesMatching("took over broker data directory .* after \\S+ s on standby"))
                    .as("what %s logged when it took over%n%s", broker, broker.logTail()).hasSize(1);
        }
    }

    /** Two instances of the distribution, the second made by {@link DistributionBroker#standby()}. */
    private record Distribution(List<DistributionBroker> brokers) implements Kind {

        @Override
        public int port(int index) {
            return brokers.get(index).port();
        }

        @Override
        public FerryProcess launch(int index, boolean asStandby) {
            DistributionBroker broker = brokers.get(index);
            return asStandby ? broker.startStandingBy() : broker.start();
        }

        @Override
        public void awaitTakeover(int index, FerryProcess process) {
            brokers.get(index).awaitTakeover();
        }

        @Override
        public void assertTookOverHavingStoodByOnce(FerryProcess broker) {
            String output = broker.stdout() + broker.stderr();
            assertThat(output.lines().filter(line -> line.matches(".*" + DistributionBroker.STANDING_BY + ".*")))
                    .as("what %s said while it stood by", broker).hasSize(1);
            assertThat(output.lines().filter(line -> line.matches(".*" + DistributionBroker.STARTED_ANY + ".*")))
                    .as("what %s said when it took over", broker).hasSize(1);
        }
    }
}
