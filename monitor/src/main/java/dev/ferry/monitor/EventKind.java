package dev.ferry.monitor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import dev.ferry.wire.ChangeEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The short name of an event's kind ("file", "dir", "symlink", "delete", "rename", "attributes",
 * ...): the
 * name the wire format gives it in JSON, so metrics, heartbeats and messages use one vocabulary.
 */
public final class EventKind {

    private static final Map<Class<?>, String> NAMES = new HashMap<>();

    /**
     * The kinds a committed change has: never the parts of a body (chunks, delta chunks) or their retraction
     * (aborts). "attributes" is a repair's fix of a mode or time alone; "delta-file" a file made from its previous version.
     */
    public static final List<String> CHANGES = List.of("file", "delta-file", "dir", "symlink", "delete", "rename", "attributes");

    static {
        for (JsonSubTypes.Type type : ChangeEvent.class.getAnnotation(JsonSubTypes.class).value()) {
            NAMES.put(type.value(), type.name());
        }
    }

    private EventKind() {
    }

    public static String of(ChangeEvent event) {
        return NAMES.getOrDefault(event.getClass(), event.getClass().getSimpleName());
    }
}
