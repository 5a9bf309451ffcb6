package dev.ferry.tests;

import static java.util.concurrent.TimeUnit.MINUTES;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A mirror started from nothing becomes an exact copy of a tree that already exists. */
@Timeout(value = 2, unit = MINUTES)
class InitialSyncTest {

    @RegisterExtension
    final FerryHarness ferry = new FerryHarness();

    @Test
    void anEmptyDestinationBecomesAnExactCopyOfAMixedTree() {
        Path source = TestTrees.mixed(ferry.directory("source"));
        Path destination = ferry.directory("destination");

        FerryProcess broker = ferry.broker();
        FerryProcess consumer = ferry.consumer(destination);
        FerryProcess producer = ferry.producer(source);

        // Paths, types, bytes, modes, modification times and symlink targets, all of them.
        Convergence.await(source, destination, Duration.ofSeconds(60), broker, consumer, producer);
    }
}
