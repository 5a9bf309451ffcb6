package dev.ferry.producer;

import static dev.ferry.producer.SourceFixture.SETTLED_CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given a producer numbering the messages of its stream, the numbers the broker commits follow one
 * another from 1 without a hole or a repeat, whatever the broker does meanwhile, and across restarts.
 */
@Timeout(30)
class StreamContinuityTest {

    @TempDir
    Path temp;

    @Test
    void aBrokerLostMidTransactionGivesTheNumbersOfWhatItLostAgain() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        for (int i = 0; i < 10; i++) {
            tree.write("docs/file" + i + ".txt", "file " + i);
        }
        RecordingSink sink = new RecordingSink();
        AtomicInteger sends = new AtomicInteger();
        List<Long> numbersSentWhenLost = new ArrayList<>();
        sink.onSend(event -> {
            if (sends.incrementAndGet() == 5) { // The second of the second transaction of three.
                sink.sentMessages().forEach(message -> numbersSentWhenLost.add(message.streamSeq()));
                sink.brokerAway(true);
            }
        });

        try (Producer producer = Producer.open(tree.settings(Duration.ofMillis(50), 3), sink, SETTLED_CLOCK)) {
            CompletableFuture<PublishSummary> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return producer.publishOnce();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.reconnectAttempts() >= 1);
            assertThat(sink.committedStreamSeqs()).containsExactly(1L, 2L, 3L);
            sink.brokerAway(false);
            run.get(10, TimeUnit.SECONDS);
        }

        assertThat(numbersSentWhenLost).as("messages 4 and 5 were sent, then lost").isEqualTo(oneTo(5));
        assertThat(sink.committedStreamSeqs()).isEqualTo(oneTo(sink.committed().size()));
        assertThat(sink.committedChanges()).hasSize(11);
    }

    @Test
    void aRestartedProducerGoesOnInTheSameStreamAndALostStateStartsAnother() throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        tree.write("a.txt", "a");
        RecordingSink first = publishOnce(tree.settings());
        tree.write("b.txt", "b");
        RecordingSink second = publishOnce(tree.settings());
        tree.write("c.txt", "c");
        RecordingSink afterLoss = publishOnce(new ProducerSettings(tree.source, temp.resolve("lost-state"),
                "ferry.changes", Duration.ofMillis(50), SourceFixture.CHUNK, 256, 8L << 20));

        assertThat(first.committedStreamSeqs()).containsExactly(1L);
        assertThat(second.streamId()).isEqualTo(first.streamId());
        assertThat(second.committedStreamSeqs()).containsExactly(2L);
        assertThat(afterLoss.streamId()).isNotEqualTo(first.streamId());
        assertThat(afterLoss.committedStreamSeqs()).containsExactly(1L, 2L, 3L);
    }

    private static RecordingSink publishOnce(ProducerSettings settings) throws Exception {
        RecordingSink sink = new RecordingSink();
        try (Producer producer = Producer.open(settings, sink, SETTLED_CLOCK)) {
            producer.publishOnce();
        }
        return sink;
    }

    private static List<Long> oneTo(long last) {
        return LongStream.rangeClosed(1, last).boxed().toList();
    }
}
