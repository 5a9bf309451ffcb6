package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.wire.BrokerEndpoint;
import dev.ferry.wire.RepairMessage;
import dev.ferry.wire.RepairMessage.RepairDone;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.broker.BrokerService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what the producer's answer to the repair of an untouched mirror costs: its time and
 * the bytes of the request and the answer, with the index's hashes known, and the first time,
 * when an index of before must read every file to learn them. Minutes of work, so run on demand:
 * {@code mvn -B -q -pl producer -am verify -Dtest=RepairMeasurement -Dferry.measure.files=100000
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "ferry.measure.files", matches = "[0-9]+",
        disabledReason = "a measurement, run on demand")
class RepairMeasurement {

    private static final int FILES_PER_DIRECTORY = 100;

    @TempDir
    Path temp;

    @Test
    void anUntouchedMirror() throws Exception {
        int files = Integer.getInteger("ferry.measure.files");
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.ferry.producer.repair.RepairResponder.class)).setLevel(ch.qos.logback.classic.Level.INFO);
        SourceFixture tree = new SourceFixture(temp);
        long started = System.nanoTime();
        for (int i = 0; i < files; i++) {
            tree.write("d" + i / FILES_PER_DIRECTORY + "/f" + i + ".txt", "file number " + i + " ".repeat(i % 200));
        }
        report("wrote %d files in %d directories: %d ms", files, files / FILES_PER_DIRECTORY, millisSince(started));
        BrokerService broker = InMemoryBroker.start("repair-measure");
        BrokerEndpoint endpoint = new BrokerEndpoint("vm://repair-measure?create=false", null, null);
        ProducerSettings settings = tree.settings().withMirrors(List.of()); // No live mirror: only the repair's.
        started = System.nanoTime();
        try (Producer producer = Producer.open(settings, endpoint)) {
            producer.publishOnce();
        }
        report("published: %d ms", millisSince(started));
        Path dst = temp.resolve("mirror");
        assertThat(new ProcessBuilder("cp", "-a", tree.source.toString(), dst.toString()).start().waitFor()).isZero();

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (HandMirror mirror = new HandMirror(endpoint, settings.queue(), "bench", dst)) {
            measureTwice(settings, endpoint, executor, mirror, "hashes in the index");
            tree.forgetHashes();
            measureTwice(settings, endpoint, executor, mirror, "an index of before, without hashes");
        } finally {
            executor.shutdownNow();
            broker.stop();
            broker.waitUntilStopped();
        }
    }

    private void measureTwice(ProducerSettings settings, BrokerEndpoint endpoint, ExecutorService executor,
                              HandMirror mirror, String what) throws Exception {
        long opened = System.nanoTime();
        Producer producer = Producer.open(settings, endpoint);
        Future<?> watching = executor.submit(() -> {
            producer.watch();
            return null;
        });
        try {
            for (int round = 1; round <= 2; round++) {
                mirror.forgetReceived();
                long digesting = System.nanoTime();
                String id = mirror.requestRepair();
                long asked = System.nanoTime();
                RepairMessage answer = mirror.awaitAnswer(id, Duration.ofMinutes(30));
                long answered = System.nanoTime();
                assertThat(answer).isEqualTo(new RepairDone(id, 0));
                report("%s, request %d: mirror's digests %d ms; request sent to answer received %d ms (%d ms since the "
                                + "producer opened); request %d bytes, answer %d bytes on the wire", what, round,
                        (asked - digesting) / 1_000_000, (answered - asked) / 1_000_000,
                        (answered - opened) / 1_000_000,
                        mirror.sentBytes(), mirror.received().get(0).wireBytes());
            }
        } finally {
            producer.close();
            watching.get(1, TimeUnit.MINUTES);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String format, Object... arguments) {
        System.out.println("MEASURED " + String.format(format, arguments));
    }
}
