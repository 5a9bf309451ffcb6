package dev.ferry.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on the loopback interface between clients and a broker, which a test breaks the way a
 * broker dying at the worst moment would: it can swallow what the broker answers (so a client
 * never hears that its commit went through), cut every connection, and refuse new ones until it is
 * healed.
 */
final class FlakyRelay implements AutoCloseable {

    private enum Mode { PASS, SWALLOW_REPLIES, DOWN }

    private final ServerSocket listener;
    private final int brokerPort;
    private final List<Socket> sockets = new ArrayList<>();
    private volatile Mode mode = Mode.PASS;

    private FlakyRelay(ServerSocket listener, int brokerPort) {
        this.listener = listener;
        this.brokerPort = brokerPort;
    }

    /** Relays a free loopback port to the broker listening on {@code brokerPort}. */
    static FlakyRelay start(int brokerPort) {
        try {
            FlakyRelay relay = new FlakyRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), brokerPort);
            daemon("relay-accept", relay::acceptLoop);
            return relay;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a relay to port " + brokerPort, e);
        }
    }

    /** The URL clients use to reach the broker through the relay. */
    String url() {
        return "tcp://127.0.0.1:" + listener.getLocalPort();
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

    @Override
    public void close() {
        mode = Mode.DOWN;
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing a test's relay: nothing left to do about it.
        }
        closeAll();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (mode == Mode.DOWN) {
                    client.close();
                    continue;
                }
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                remember(client, broker);
                daemon("relay-to-broker", () -> pump(client, broker, false));
                daemon("relay-to-client", () -> pump(broker, client, true));
            } catch (IOException e) {
                // Closed, or one connection failed; the client sees it as a broker going away.
            }
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (!(replies && mode == Mode.SWALLOW_REPLIES)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // One side closed or was cut; the other side is closed below.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private synchronized void remember(Socket... pair) {
        sockets.addAll(List.of(pair));
    }

    private synchronized void closeAll() {
        sockets.forEach(FlakyRelay::closeQuietly);
        sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed or broken: either way it is gone.
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
