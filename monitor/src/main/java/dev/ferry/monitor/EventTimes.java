package dev.ferry.monitor;

import dev.ferry.wire.ChangeEvent;
import java.time.Instant;

/**
 * When an event was made. The producer numbers events after its wall clock in microseconds (see
 * {@link ChangeEvent#seq()}), so the number says, to the millisecond, when the producer saw the
 * change: what apply latency and lag are measured from, with no field added to the wire format.
 */
public final class EventTimes {

    private EventTimes() {
    }

    public static Instant createdAt(ChangeEvent event) {
        return createdAt(event.seq());
    }

    public static Instant createdAt(long seq) {
        return Instant.ofEpochMilli(seq / 1000);
    }
}
