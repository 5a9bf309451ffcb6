package dev.ferry.tests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Two {@code ferry broker}s on one data directory, each listening on a port of its own when active,
 * as a pair on a shared file system runs: one active, the other its standby, which binds nothing
 * until the active one dies and it takes over. Clients reach whichever is active through
 * {@link #failoverUrl()}, which lists both ports, in order; both are picked before either broker
 * binds, so the standby's is known while it waits.
 *
 * <p>Made by {@link FerryHarness#standbyPair()}; the harness's broker is the active one, so its
 * processes and status queries connect through the failover URL, and it stops both at the end.
 */
final class BrokerPair {

    /** What a broker prints on stdout once it accepts connections. */
    static final String LISTENING = "^broker listening on ";
    /** What a broker prints on stdout, once, when another broker holds its data directory. */
    static final String STANDING_BY = "^broker standing by: ";

    private final FerryHarness ferry;
    private final Path data;
    private final List<Integer> ports;
    private Member active;
    private Member standby;
    private long killedAt;

    /** A broker of the pair and the port it listens on once active. */
    private record Member(FerryProcess process, int port) {
    }

    private BrokerPair(FerryHarness ferry, Path data, List<Integer> ports) {
        this.ferry = ferry;
        this.data = data;
        this.ports = ports;
    }

    /** Starts the active broker on the first port, then its standby on the second, and waits for both to say so. */
    static BrokerPair start(FerryHarness ferry, Path data) {
        int first = FreePorts.next();
        int second = FreePorts.next();
        while (second == first) {
            second = FreePorts.next();
        }
        BrokerPair pair = new BrokerPair(ferry, data, List.of(first, second));
        pair.active = pair.launch(first, LISTENING);
        pair.standby = pair.launch(second, STANDING_BY);
        return pair;
    }

    /** Both brokers' addresses, the first broker's first, with {@code randomize=false}. */
    String failoverUrl() {
        return "failover:(" + url(ports.get(0)) + "," + url(ports.get(1)) + ")?randomize=false";
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
        return active.port();
    }

    /** The broker waiting to take over; fails if there is none. */
    FerryProcess standby() {
        return requireStandby().process();
    }

    int standbyPort() {
        return requireStandby().port();
    }

    /** Kills the active broker (-9), the way a crash or a power cut would; the standby is left to notice. */
    void killActive() {
        requireStandby();
        active.process().kill();
        killedAt = System.nanoTime();
    }

    /**
     * Waits for the standby to take over from the broker {@link #killActive()} killed (to print
     * that it listens), makes it the active one, the harness's broker, and returns how long after
     * the kill it listened.
     */
    Duration awaitTakeover() {
        Member next = requireStandby();
        if (active.process().isAlive()) {
            throw new IllegalStateException("the active broker " + active.process() + " still runs; kill it first");
        }
        next.process().waitForOutput(LISTENING, FerryHarness.BROKER_START);
        Duration after = Duration.ofNanos(System.nanoTime() - killedAt);
        active = next;
        standby = null;
        ferry.useBroker(active.process(), failoverUrl());
        return after;
    }

    /**
     * Starts a broker on the port of the one that was killed, on the same data, and waits for it to
     * say it stands by: the killed broker restarted as the new standby.
     */
    FerryProcess startStandby() {
        if (standby != null) {
            throw new IllegalStateException("the pair has its standby already: " + standby.process());
        }
        int port = ports.get(0) == active.port() ? ports.get(1) : ports.get(0);
        standby = launch(port, STANDING_BY);
        return standby.process();
    }

    private Member launch(int port, String saying) {
        FerryProcess broker = ferry.start("broker", "--data", data.toString(), "--listen", url(port));
        broker.waitForOutput(saying, FerryHarness.BROKER_START);
        return new Member(broker, port);
    }

    private Member requireStandby() {
        if (standby == null) {
            throw new IllegalStateException("the pair has no standby; start one with startStandby()");
        }
        return standby;
    }
}
