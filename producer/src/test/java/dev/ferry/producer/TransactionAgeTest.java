package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A transaction ends when it is full or old: the consumer sees nothing of it before its commit. */
class TransactionAgeTest {

    private static final int FILES = 12;

    @TempDir
    Path temp;

    @Test
    void aTransactionCommitsOnceItIsOlderThanTheAgeBoundThoughItIsNotFull() throws Exception {
        RecordingSink sink = publishWithEachSendTaking(Duration.ofMillis(100));

        // 100 ms per event: a transaction is past 250 ms after at most four events.
        assertThat(sink.commits()).isGreaterThanOrEqualTo(FILES / 4);
        assertThat(sink.sent()).hasSize(FILES);
    }

    @Test
    void whileNoTimePassesOneTransactionHoldsWhatFitsInIt() throws Exception {
        RecordingSink sink = publishWithEachSendTaking(Duration.ZERO);

        assertThat(sink.commits()).isEqualTo(1);
        assertThat(sink.sent()).hasSize(FILES);
    }

    private RecordingSink publishWithEachSendTaking(Duration perSend) throws Exception {
        SourceFixture tree = new SourceFixture(temp);
        for (int i = 0; i < FILES; i++) {
            tree.write("f" + i, "body " + i);
        }
        MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofHours(1)));
        RecordingSink sink = new RecordingSink();
        sink.onSend(event -> clock.advance(perSend));
        try (Producer producer = Producer.open(tree.settings(Duration.ofMillis(50), 4096), sink, clock)) {
            producer.publishOnce();
        }
        return sink;
    }
}
