package dev.ferry.producer;

/**
 * What waits on one mirror's queue, as the broker says.
 *
 * @param mirror    the mirror
 * @param queue     its queue
 * @param waiting   messages waiting on it
 * @param bytes     about how many bytes they hold (0 when the broker does not know)
 * @param consumers consumers attached
 */
public record MirrorBacklog(String mirror, String queue, long waiting, long bytes, long consumers) {
}
