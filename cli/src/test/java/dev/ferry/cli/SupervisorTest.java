package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SupervisorTest {

    private final List<String> closed = new CopyOnWriteArrayList<>();

    /** A part whose work runs until it is closed, like a consumer. */
    private final class LongRunning implements AutoCloseable {
        private final String name;
        private final CountDownLatch stop = new CountDownLatch(1);

        LongRunning(String name) {
            this.name = name;
        }

        void work() throws InterruptedException {
            stop.await();
        }

        @Override
        public void close() {
            closed.add(name);
            stop.countDown();
        }
    }

    @Test
    void aFailingPartStopsEverythingNewestFirstAndItsFailureIsTheCommands() {
        LongRunning broker = new LongRunning("broker");
        LongRunning consumer = new LongRunning("consumer");
        CountDownLatch consumerRunning = new CountDownLatch(1);
        try (Supervisor supervisor = new Supervisor()) {
            supervisor.supervise("broker", broker, broker::work);
            supervisor.supervise("consumer", consumer, () -> {
                consumerRunning.countDown();
                consumer.work();
            });
            supervisor.supervise("producer", () -> closed.add("producer"), () -> {
                consumerRunning.await();
                throw new IOException("source vanished");
            });

            assertThatThrownBy(supervisor::runUntilStopped).isInstanceOf(IOException.class)
                    .hasMessage("source vanished");
        }
        assertThat(closed).containsExactly("producer", "consumer", "broker");
    }

    @Test
    void aPartThatEndsOnItsOwnIsAFailureToo() {
        try (Supervisor supervisor = new Supervisor()) {
            supervisor.supervise("broker", () -> closed.add("broker"), () -> { });

            assertThatThrownBy(supervisor::runUntilStopped).isInstanceOf(IllegalStateException.class)
                    .hasMessage("broker stopped unexpectedly");
        }
        assertThat(closed).containsExactly("broker");
    }

    @Test
    void closingTwiceClosesOnce() {
        LongRunning consumer = new LongRunning("consumer");
        Supervisor supervisor = new Supervisor();
        supervisor.supervise("consumer", consumer, consumer::work);
        supervisor.close();
        supervisor.close();
        assertThat(closed).containsExactly("consumer");
    }
}
