package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.DyingBroker.Step;
import dev.ferry.consumer.Consumer;
import dev.ferry.consumer.ConsumerSettings;
import dev.ferry.producer.Producer;
import dev.ferry.producer.ProducerSettings;
import dev.ferry.wire.BrokerEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.activemq.broker.BrokerService;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13: the broker answers a consumer's or a producer's first connection and goes away before
 * the connection is ready, at each step of its set-up. That is a broker going away, not one that
 * cannot be reached: opening it the way the commands do ({@link BrokerContact#call}) succeeds, and
 * once a broker is back on the address the side carries on, with what was written meanwhile.
 */
class BrokerLostAtStartTest {

    private static final String QUEUE = "ferry.lost-at-start";

    /** Which side connects while the broker dies. */
    enum Side { CONSUMER, PRODUCER }

    @TempDir
    Path dir;

    static Stream<Arguments> stepsOfEachSide() {
        return Stream.concat(
                Stream.of(Step.values()).map(step -> Arguments.of(Side.CONSUMER, step)),
                Stream.of(Step.LOGIN, Step.SESSION, Step.SENDER).map(step -> Arguments.of(Side.PRODUCER, step)));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("stepsOfEachSide")
    @Timeout(60)
    void aBrokerThatGoesAwayWhileASideConnectsIsWaitedFor(Side side, Step step) throws Exception {
        String url = "tcp://127.0.0.1:" + freePort();
        BrokerEndpoint endpoint = new BrokerEndpoint(url, null, null);
        Path source = Files.createDirectories(dir.resolve("source"));
        Path destination = dir.resolve("destination");
        BrokerService dying = broker(url);
        DyingBroker death = DyingBroker.at(step, dying);
        start(dying);
        BrokerService broker = null;
        ExecutorService running = Executors.newFixedThreadPool(2);
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            AutoCloseable first = BrokerContact.call(endpoint, () -> side == Side.CONSUMER
                    ? openConsumer(destination, endpoint) : openProducer(source, endpoint));
            opened.push(first);
            assertThat(death.awaitDeath(20)).as("the broker died at %s", step).isTrue();
            dying.stop();
            dying.waitUntilStopped();
            Files.writeString(source.resolve("after.txt"), "written while the broker was away");
            broker = start(broker(url));
            AutoCloseable second = side == Side.CONSUMER ? openProducer(source, endpoint)
                    : openConsumer(destination, endpoint);
            opened.push(second);
            Consumer consumer = (Consumer) (side == Side.CONSUMER ? first : second);
            Producer producer = (Producer) (side == Side.PRODUCER ? first : second);
            Future<?> consuming = running.submit(() -> {
                consumer.run();
                return null;
            });
            Future<?> producing = running.submit(() -> {
                producer.watch();
                return null;
            });

            awaitFile(destination.resolve("after.txt"));
            assertThat(consuming.isDone()).as("the consumer kept running").isFalse();
            assertThat(producing.isDone()).as("the producer kept running").isFalse();
        } finally {
            opened.forEach(BrokerLostAtStartTest::closeQuietly);
            running.shutdownNow();
            dying.stop();
            if (broker != null) {
                broker.stop();
                broker.waitUntilStopped();
            }
        }
    }

    private Consumer openConsumer(Path destination, BrokerEndpoint endpoint) throws Exception {
        return Consumer.open(ConsumerSettings.defaults(destination, QUEUE), endpoint);
    }

    private Producer openProducer(Path source, BrokerEndpoint endpoint) throws Exception {
        return Producer.open(ProducerSettings.defaults(source, dir.resolve("producer-state"), QUEUE), endpoint);
    }

    private BrokerService broker(String url) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName("lost-at-start");
        broker.setDataDirectoryFile(dir.resolve("broker").toFile());
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.addConnector(url);
        return broker;
    }

    private static BrokerService start(BrokerService broker) throws Exception {
        broker.start();
        broker.waitUntilStarted();
        return broker;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(file).exists();
    }

    private static void closeQuietly(AutoCloseable side) {
        try {
            side.close();
        } catch (Exception ignored) {
            // The test's outcome is decided; closing is only tidying up.
        }
    }
}
