package dev.ferry.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.wire.WireText;
import java.io.IOException;

/** Heartbeats to and from JSON. */
public final class HeartbeatCodec {

    /**
     * ASCII only, like the events (see {@link WireText}): a heartbeat names a directory and a path,
     * and a text body, though OpenWire carries it intact, may meet another coder on a bridge.
     */
    private static final ObjectMapper JSON = WireText.asciiJson().build();

    private HeartbeatCodec() {
    }

    public static String toJson(Heartbeat beat) {
        try {
            return JSON.writeValueAsString(beat);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a heartbeat is always JSON: " + e.getMessage(), e);
        }
    }

    /** @throws IOException when {@code json} is not a heartbeat this reader understands */
    public static Heartbeat fromJson(String json) throws IOException {
        Heartbeat beat = JSON.readValue(json, Heartbeat.class);
        if (beat.version() < 1 || beat.role() == null || beat.id() == null) {
            throw new IOException("not a heartbeat (no version, role or id)");
        }
        return beat;
    }
}
