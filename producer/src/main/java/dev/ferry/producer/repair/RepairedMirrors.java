package dev.ferry.producer.repair;

import java.io.IOException;

/**
 * Who is told that a mirror's repair was answered whole (its {@code RepairDone} committed): the
 * producer forgets then that the mirror needed one (a mirror dropped for its backlog).
 */
@FunctionalInterface
public interface RepairedMirrors {

    RepairedMirrors NONE = mirror -> { };

    void repaired(String mirror) throws IOException;
}
