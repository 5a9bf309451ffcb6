package dev.ferry.monitor;

/** What a {@link HeartbeatSender} sends: a producer's or consumer's beat, and whether it changed. */
public interface HeartbeatSource {

    /** The beat to send now, in {@code state} ({@link Heartbeat#RUNNING} or {@link Heartbeat#STOPPED}). */
    Heartbeat beat(String state);

    /** Grows whenever what the beat says changed, so a changed beat goes out without waiting for the next one. */
    long version();
}
