package dev.ferry.tests;

import static org.assertj.core.api.Assertions.fail;

import dev.ferry.wire.WireFormat;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * A source and its mirror kept by separate producer, consumer and broker processes over TCP, which
 * {@link UnicodeNamesTest} feeds one directory per try: started once, because starting them takes
 * seconds and a try about one.
 *
 * <p>A try's directory is written outside the source and moved in at once, so the producer finds
 * it whole in one look and bundles its small files. The mirror has applied it when the producer has
 * published every path of it (it logs each after its transaction committed) and the queue is empty
 * (a browse counts messages delivered but not yet acknowledged, and the consumer acknowledges only
 * what it applied). That needs no name to arrive intact, so a mangled name fails a try at once
 * instead of after a timeout, and shrinking stays quick.
 */
final class NamesMirror implements AutoCloseable {

    static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration PUBLISHED = Duration.ofSeconds(30);
    private static final Duration APPLIED = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final String QUEUE = QueueClient.DEFAULT_MIRROR_QUEUE;

    private final Path staging;
    private final Path source;
    private final Path destination;
    private final FerryProcess producer;
    private final FerryProcess[] running;
    private final QueueClient queue;
    private int tries;

    private NamesMirror(FerryHarness ferry, FerryProcess broker) throws JMSException {
        staging = ferry.directory("staging");
        source = ferry.directory("source");
        destination = ferry.directory("destination");
        FerryProcess consumer = ferry.consumer(destination);
        // No default ignore rules: a generated name may well end in "~" or ".tmp".
        producer = ferry.producer(source, "--no-default-excludes");
        running = new FerryProcess[] {broker, consumer, producer};
        producer.waitForLog(FerryLog.PRODUCER_WATCHING, 1, STARTUP);
        consumer.waitForLog(FerryLog.CONSUMER_STARTED, 1, STARTUP);
        queue = QueueClient.connect(ferry.brokerUrl());
    }

    /** A consumer and a producer (watching, without default ignore rules) on {@code ferry}'s broker, which runs as {@code broker}. */
    static NamesMirror start(FerryHarness ferry, FerryProcess broker) {
        try {
            return new NamesMirror(ferry, broker);
        } catch (JMSException e) {
            return fail("cannot connect to the broker of %s to watch its queue: %s", broker, e);
        }
    }

    /** A new directory outside the source, for the next try to write its tree in; its name is the try's. */
    Path nextTry() {
        return staging.resolve(String.format("try-%03d", ++tries));
    }

    /** Moves the try's tree {@code staged} into the source and returns once the mirror has applied it. */
    void publish(Path staged, List<String> paths) {
        String name = staged.getFileName().toString();
        move(staged, source.resolve(name));
        awaitPublished(FerryLog.published(name));
        for (String path : paths) {
            awaitPublished(FerryLog.published(name + "/" + path));
        }
        awaitQueueEmpty();
    }

    /** Renames {@code from} to {@code to} in the try's directory and returns once the mirror has applied it. */
    void rename(String tryName, String from, String to) {
        move(source.resolve(tryName).resolve(from), source.resolve(tryName).resolve(to));
        awaitPublished(FerryLog.publishedRename(tryName + "/" + from, tryName + "/" + to));
        awaitQueueEmpty();
    }

    RawListing sourceOf(String tryName) {
        return RawListing.of(source.resolve(tryName));
    }

    RawListing mirrorOf(String tryName) {
        return RawListing.of(destination.resolve(tryName));
    }

    /** What the processes said last, and the dead letters: for a failure message. */
    String state() {
        StringBuilder state = new StringBuilder();
        try {
            state.append(queue.browse(WireFormat.deadLetterQueueOf(QUEUE)).size()).append(" message(s) dead-lettered\n");
        } catch (JMSException e) {
            state.append("cannot browse the dead-letter queue: ").append(e).append('\n');
        }
        for (FerryProcess process : running) {
            state.append(process.logTail());
        }
        return state.toString();
    }

    @Override
    public void close() throws JMSException {
        queue.close();
    }

    private void awaitPublished(String line) {
        producer.waitForLog(line, 1, PUBLISHED);
    }

    private void awaitQueueEmpty() {
        long deadline = System.nanoTime() + APPLIED.toNanos();
        while (true) {
            for (FerryProcess process : running) {
                if (!process.isAlive()) {
                    fail("%s exited while the mirror was catching up%n%s", process, state());
                }
            }
            try {
                if (queue.browse(QUEUE).isEmpty()) {
                    return;
                }
            } catch (JMSException e) {
                fail("cannot browse %s: %s%n%s", QUEUE, e, state());
            }
            if (System.nanoTime() > deadline) {
                fail("messages still wait on %s after %s%n%s", QUEUE, APPLIED, state());
            }
            pause();
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the mirror", e);
        }
    }
}
