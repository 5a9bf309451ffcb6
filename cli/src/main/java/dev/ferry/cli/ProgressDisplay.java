package dev.ferry.cli;

/** Where a long command shows how far it is: a live bar, periodic lines, or nowhere. */
interface ProgressDisplay {

    /** Shows {@code progress}, or not yet, as the display sees fit; called every {@link ProgressReporter#TICK}. */
    void update(Progress progress);

    /** The work is done: shows {@code progress} one last time if the display keeps it, and lets go of the terminal. */
    void finish(Progress progress);
}
