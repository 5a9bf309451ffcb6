package dev.ferry.monitor;

import dev.ferry.consumer.MirrorState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drops of one mirror that producers announce in their heartbeats
 * ({@link Heartbeat#mirrorsNeedingRepair()}): a producer keeps announcing a drop, also in the last
 * beat it sends when it stops, until the mirror's repair is answered.
 *
 * <p>The broker keeps each process's last beat, a stopped producer's too: so of the beats of
 * producers of one source, only the latest counts. A producer restarted on that source says what
 * it knows now (a repair answered since has cleared the mark); a stopped one's drop stands while
 * none has.
 */
public final class MirrorDrops {

    private MirrorDrops() {
    }

    /** What the producers among {@code beats} (the latest of each process) say of {@code mirror}. */
    public static List<MirrorState.Drop> of(List<Heartbeat> beats, String mirror) {
        Map<String, Heartbeat> latestBySource = new LinkedHashMap<>();
        for (Heartbeat beat : beats) {
            if (Heartbeat.PRODUCER.equals(beat.role())) {
                latestBySource.merge(String.valueOf(beat.directory()), beat,
                        (one, other) -> other.sentAt() > one.sentAt() ? other : one);
            }
        }
        List<MirrorState.Drop> drops = new ArrayList<>();
        for (Heartbeat beat : latestBySource.values()) {
            Heartbeat.Dropped dropped = !Heartbeat.PRODUCER.equals(beat.role()) || beat.mirrorsNeedingRepair() == null
                    ? null : beat.mirrorsNeedingRepair().get(mirror);
            if (dropped != null) {
                drops.add(new MirrorState.Drop(beat.id(), Instant.ofEpochMilli(dropped.droppedAt()),
                        dropped.backlogBytes(), dropped.limitBytes()));
            }
        }
        return drops;
    }
}
