package dev.ferry.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SequenceNumbersTest {

    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));
    private final SequenceNumbers sequence = new SequenceNumbers(clock);

    @Test
    void numbersFollowTheClockInMicroseconds() {
        assertThat(sequence.next()).isEqualTo(1_700_000_000_000_000L);
        clock.advance(Duration.ofSeconds(1));
        assertThat(sequence.next()).isEqualTo(1_700_000_001_000_000L);
    }

    @Test
    void numbersStillIncreaseWhenTheClockStandsStillOrGoesBack() {
        long first = sequence.next();
        assertThat(sequence.next()).isEqualTo(first + 1);
        clock.advance(Duration.ofHours(-1));
        assertThat(sequence.next()).isEqualTo(first + 2);
    }
}
