package dev.ferry.monitor;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RelPath;
import java.time.Instant;

/** Events for the tests, made at a given moment (their sequence number says when). */
final class Events {

    private Events() {
    }

    static long seqAt(Instant made) {
        return made.toEpochMilli() * 1000;
    }

    static ChangeEvent.PutFile file(String path, long size, Instant made) {
        return new ChangeEvent.PutFile(RelPath.of(path), seqAt(made), 0, (int) size, size, "0".repeat(64), 0644, 0);
    }

    static ChangeEvent.PutDirectory dir(String path, Instant made) {
        return new ChangeEvent.PutDirectory(RelPath.of(path), seqAt(made), 0755, 0);
    }

    static ChangeEvent.PutAttributes attributes(String path, Instant made) {
        return new ChangeEvent.PutAttributes(RelPath.of(path), seqAt(made), 0600, 0);
    }

    static ChangeEvent.Delete delete(String path, Instant made) {
        return new ChangeEvent.Delete(RelPath.of(path), seqAt(made));
    }
}
