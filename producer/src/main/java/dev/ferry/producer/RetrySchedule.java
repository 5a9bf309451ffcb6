package dev.ferry.producer;

import dev.ferry.wire.RelPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The files not published yet because they were still being written, and when to look at them again. */
final class RetrySchedule {

    private final Map<RelPath, Instant> due = new HashMap<>();

    /** Looks at {@code path} again at {@code when} (or earlier, if it was due earlier already). */
    void retry(RelPath path, Instant when) {
        due.merge(path, when, (old, proposed) -> old.isBefore(proposed) ? old : proposed);
    }

    void forget(RelPath path) {
        due.remove(path);
    }

    boolean isEmpty() {
        return due.isEmpty();
    }

    /** When the next retry is due, or {@code null} when none is scheduled. */
    Instant next() {
        return due.values().stream().min(Instant::compareTo).orElse(null);
    }

    /** Removes and returns the paths due at {@code now}. */
    List<RelPath> takeDue(Instant now) {
        List<RelPath> ready = new ArrayList<>();
        due.entrySet().removeIf(entry -> {
            if (entry.getValue().isAfter(now)) {
                return false;
            }
            ready.add(entry.getKey());
            return true;
        });
        return ready;
    }
}
