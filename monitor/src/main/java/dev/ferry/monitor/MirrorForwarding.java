package dev.ferry.monitor;

import java.util.Comparator;
import java.util.List;

/**
 * Whether a mirror's messages at this broker wait to be forwarded to another, told by its
 * consumers' heartbeats: each names the broker it was published to ({@link Heartbeat#broker}), and
 * a forwarding link carries the beats of the other site here. A mirror whose consumers beat at
 * another broker, and none at this one, is consumed there: what waits for it here waits for the
 * link to take it.
 *
 * <p>Only a beat that says so counts: a consumer that names no broker (older than the field) may
 * be here, and a mirror whose consumer never beat through a link is not known to be consumed
 * elsewhere.
 */
final class MirrorForwarding {

    private MirrorForwarding() {
    }

    /** {@code mirrors}, each with what waits here to be forwarded ({@link #of}). */
    static List<StatusReport.Mirror> placed(List<StatusReport.Mirror> mirrors, List<Heartbeat> beats, String here,
                                           List<String> linksUp) {
        return mirrors.stream().map(mirror -> mirror.withForwarding(of(mirror, beats, here, linksUp))).toList();
    }

    /**
     * What waits at broker {@code here} for {@code mirror}, when it is consumed elsewhere.
     *
     * @param beats   the latest beat of every process, or {@code null} when they were not read
     * @param here    the name of the broker asked, or {@code null} when it gave none
     * @param linksUp the brokers it has a link up with, or {@code null} when not known
     * @return {@code null} when the mirror is consumed here, or where is not known
     */
    static StatusReport.Forwarding of(StatusReport.Mirror mirror, List<Heartbeat> beats, String here,
                                      List<String> linksUp) {
        if (mirror.name() == null || beats == null) {
            return null;
        }
        String elsewhere = consumedElsewhere(mirror.name(), beats, here);
        if (elsewhere == null) {
            return null;
        }
        return new StatusReport.Forwarding(elsewhere, mirror.queue().waiting(),
                linksUp == null ? null : linksUp.contains(elsewhere));
    }

    /**
     * The broker {@code mirror} is consumed at when that is not {@code here}, else {@code null}. The
     * running consumers speak for the mirror (one that stopped here and now runs there has moved);
     * when none runs, the one seen last.
     */
    static String consumedElsewhere(String mirror, List<Heartbeat> beats, String here) {
        if (here == null) {
            return null;
        }
        List<Heartbeat> consumers = beats.stream()
                .filter(beat -> Heartbeat.CONSUMER.equals(beat.role()) && mirror.equals(beat.mirror()))
                .sorted(Comparator.comparingLong(Heartbeat::sentAt).reversed())
                .toList();
        List<Heartbeat> running = consumers.stream().filter(beat -> Heartbeat.RUNNING.equals(beat.state())).toList();
        List<Heartbeat> speaking = !running.isEmpty() ? running : consumers.stream().limit(1).toList();
        if (speaking.isEmpty() || speaking.stream().anyMatch(beat -> beat.broker() == null || here.equals(beat.broker()))) {
            return null;
        }
        return speaking.get(0).broker();
    }
}
