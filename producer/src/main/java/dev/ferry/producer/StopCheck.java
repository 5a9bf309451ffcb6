package dev.ferry.producer;

/** Asked between steps of long work: throws once the producer is closing or the thread interrupted. */
@FunctionalInterface
interface StopCheck {
    void check() throws InterruptedException;
}
