package dev.ferry.tests;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay on the loopback interface between clients and a broker, which a test breaks the way a
 * broker dying at the worst moment would: it can swallow what the broker answers (so a client
 * never hears that its commit went through), cut every connection, refuse new ones, and hold back
 * one command a client sends, so that the broker can be killed with exactly that command unanswered.
 *
 * <p>What clients send is relayed command by command: OpenWire frames each command with its
 * length (4 bytes, big-endian), which is all the relay reads of it. It writes the length and the
 * command as two writes, so Nagle's algorithm holds each command back until the broker's side
 * acknowledges its length: tens of milliseconds a command, as on a slow link. Left so on purpose:
 * it found a producer that never got on with a repair when asking the broker took longer than a
 * slice of the answer (RepairTest covers that case on its own).
 */
final class FlakyRelay implements AutoCloseable {

    private enum Mode { PASS, SWALLOW_REPLIES, DOWN }

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** ActiveMQ's own limit on a frame (maxFrameSize) is 100 MiB; Ferry's chunks are far smaller. */
    private static final int MAX_COMMAND = 100 * 1024 * 1024;

    private final int port;
    private final int brokerPort;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicReference<HeldCommand> armed = new AtomicReference<>();
    private volatile ServerSocket listener;
    private volatile Mode mode = Mode.PASS;

    private FlakyRelay(ServerSocket listener, int brokerPort) {
        this.port = listener.getLocalPort();
        this.brokerPort = brokerPort;
        listen(listener);
    }

    /** Relays a free loopback port to the broker listening on {@code brokerPort}. */
    static FlakyRelay start(int brokerPort) {
        try {
            return new FlakyRelay(new ServerSocket(0, 50, LOOPBACK), brokerPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a relay to port " + brokerPort, e);
        }
    }

    /** The URL clients use to reach the broker through the relay. */
    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** From now on, what the broker sends is dropped; what clients send still reaches it. */
    void swallowReplies() {
        mode = Mode.SWALLOW_REPLIES;
    }

    /** Cuts every connection, and refuses new ones until {@link #heal()}. */
    void breakDown() {
        mode = Mode.DOWN;
        closeAll();
    }

    /** Relays everything again, for new connections. */
    void heal() {
        mode = Mode.PASS;
    }

    /**
     * Stops listening, so a client that connects is refused, as by a port where no broker listens;
     * the connections made before are left to live or die with the broker.
     */
    void stopListening() {
        closeQuietly(listener);
    }

    /** Listens on the relay's port again after {@link #stopListening()}. */
    void listenAgain() {
        try {
            ServerSocket again = new ServerSocket();
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(LOOPBACK, port), 50);
            listen(again);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port + " again", e);
        }
    }

    /**
     * Holds back the {@code n}th command clients send through the relay from now on, counted over
     * all connections: on a client that connects now, 1 is its wire format, 2 its login, then come
     * its session, consumer or producer, and later its messages, acknowledgements and the
     * boundaries of its transactions. Neither that command nor anything sent after it on the same
     * connection reaches the broker: to that client, the broker fell silent right there.
     */
    HeldCommand holdCommand(int n) {
        HeldCommand held = new HeldCommand(n);
        armed.set(held);
        return held;
    }

    /** A command the relay is to hold back, and whether it came. */
    static final class HeldCommand {
        private final int number;
        private final CountDownLatch held = new CountDownLatch(1);
        private int seen; // Guarded by this, as is given up.
        private boolean givenUp;

        private HeldCommand(int number) {
            this.number = number;
        }

        /**
         * Whether a client sent the command within {@code timeout}: the relay holds it then. When
         * it did not, it is given up, so that no later command (of a connection made after the
         * broker is back, say) is held instead.
         */
        boolean await(Duration timeout) {
            try {
                held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for command " + number, e);
            }
            synchronized (this) {
                givenUp = held.getCount() > 0;
                return !givenUp;
            }
        }

        /** Counts a command a client sends; true when it is the one to hold. */
        private synchronized boolean holds() {
            if (givenUp || ++seen != number) {
                return false;
            }
            held.countDown();
            return true;
        }

        @Override
        public String toString() {
            return "command " + number;
        }
    }

    @Override
    public void close() {
        mode = Mode.DOWN;
        closeQuietly(listener);
        closeAll();
    }

    private void listen(ServerSocket socket) {
        listener = socket;
        daemon("relay-accept", () -> acceptLoop(socket));
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // Closed: stopListening() or close().
            }
            if (mode == Mode.DOWN) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket broker = new Socket(LOOPBACK, brokerPort);
                remember(client, broker);
                daemon("relay-to-broker", () -> relayCommands(client, broker));
                daemon("relay-to-client", () -> relayReplies(broker, client));
            } catch (IOException e) {
                closeQuietly(client); // No broker behind the relay: the client sees it hang up.
            }
        }
    }

    private void relayCommands(Socket client, Socket broker) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()));
            OutputStream out = broker.getOutputStream();
            while (true) {
                int size = in.readInt();
                if (size < 0 || size > MAX_COMMAND) {
                    throw new IOException("not an OpenWire command of " + size + " bytes: the relay speaks only"
                            + " OpenWire");
                }
                byte[] command = new byte[size];
                in.readFully(command);
                HeldCommand held = armed.get();
                if (held != null && held.holds()) {
                    armed.compareAndSet(held, null);
                    discardUntilClosed(in);
                    return;
                }
                out.write(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
                out.write(command);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed or was cut; both are closed below.
        } finally {
            closeQuietly(client);
            closeQuietly(broker);
        }
    }

    /** What the client sends after a held command is lost, as it would be on a broker that fell silent. */
    private static void discardUntilClosed(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (in.read(buffer) >= 0) {
            // Dropped.
        }
        throw new EOFException("the client hung up");
    }

    private void relayReplies(Socket broker, Socket client) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = broker.getInputStream();
            OutputStream out = client.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (mode != Mode.SWALLOW_REPLIES) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // One side closed or was cut; both are closed below.
        } finally {
            closeQuietly(broker);
            closeQuietly(client);
        }
    }

    private synchronized void remember(Socket... pair) {
        sockets.removeIf(Socket::isClosed);
        sockets.addAll(List.of(pair));
    }

    private synchronized void closeAll() {
        sockets.forEach(FlakyRelay::closeQuietly);
        sockets.clear();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Already closed or broken: either way it is gone.
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
