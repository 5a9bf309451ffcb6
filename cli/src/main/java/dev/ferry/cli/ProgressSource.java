package dev.ferry.cli;

import java.time.Duration;

/** What a {@link ProgressReporter} asks how far the work is. */
interface ProgressSource {

    /** How far it is, {@code elapsed} after it began. */
    Progress at(Duration elapsed);

    /** Whether the work is done by itself (an initial sync that caught up); else the command says when. */
    default boolean finished() {
        return false;
    }
}
