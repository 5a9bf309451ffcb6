package dev.ferry.monitor;

import dev.ferry.consumer.MirrorState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The drops of one mirror that producers announce in their heartbeats
 * ({@link Heartbeat#mirrorsNeedingRepair()}): a producer keeps announcing a drop, also in the last
 * beat it sends when it stops, until the mirror's repair is answered.
 */
public final class MirrorDrops {

    private MirrorDrops() {
    }

    /** What the producers among {@code beats} (the latest of each process) say of {@code mirror}. */
    public static List<MirrorState.Drop> of(List<Heartbeat> beats, String mirror) {
        List<MirrorState.Drop> drops = new ArrayList<>();
        for (Heartbeat beat : beats) {
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
