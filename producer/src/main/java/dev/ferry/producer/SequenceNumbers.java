package dev.ferry.producer;

import java.time.Clock;

/**
 * Hands out event sequence numbers: strictly increasing, and following the wall clock in
 * microseconds so that a producer that lost its state still numbers above everything it sent
 * before (the consumer drops events numbered below what it applied).
 */
final class SequenceNumbers {

    private final Clock clock;
    private long last;

    SequenceNumbers(Clock clock) {
        this.clock = clock;
    }

    long next() {
        last = Math.max(last + 1, Math.multiplyExact(clock.millis(), 1000L));
        return last;
    }
}
