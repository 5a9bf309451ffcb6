package dev.ferry.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** TCP ports on the loopback interface that nobody listens on, so tests can run side by side. */
final class FreePorts {

    private FreePorts() {
    }

    /** A port that was free a moment ago; another process could still take it, which is rare enough. */
    static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }
}
