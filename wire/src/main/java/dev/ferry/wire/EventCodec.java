package dev.ferry.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Events to and from JSON. Writing gives ASCII only, every other character escaped, so the text
 * survives any string coder (see {@link WireText}). Parsing is strict: an unknown kind, an unknown
 * or missing field, or a value out of range is rejected with the reason.
 */
public final class EventCodec {

    /** Writes ASCII only, the form of wire version 2 (see {@link WireText}); reads any JSON. */
    private static final ObjectMapper MAPPER = WireText.asciiJson()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final JavaType EVENT_LIST =
            MAPPER.getTypeFactory().constructCollectionType(List.class, ChangeEvent.class);

    private EventCodec() {
    }

    public static String toJson(ChangeEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
    }

    /** A bundle of whole files as a JSON array (see {@link WireFormat#BUNDLE_PROPERTY}). */
    public static String bundleToJson(List<ChangeEvent.PutFile> files) {
        try {
            return MAPPER.writerFor(EVENT_LIST).writeValueAsString(files);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a bundle of " + files.size() + " files", e);
        }
    }

    public static ChangeEvent fromJson(String json) throws WireFormatException {
        if (json == null) {
            throw new WireFormatException("no event in the message");
        }
        ChangeEvent event = parse(json, ChangeEvent.class);
        if (event == null) {
            // Jackson reads the JSON literal null as no object at all, without complaint.
            throw new WireFormatException("no event in the message (the JSON is null)");
        }
        return event;
    }

    /**
     * The events of a bundle, each checked as strictly as a single event; that they are whole
     * files whose bodies add up to the message body is {@link EventMessages}' check.
     *
     * @throws WireFormatException naming the first entry that cannot be read, when any cannot
     */
    public static List<ChangeEvent> bundleFromJson(String json) throws WireFormatException {
        List<ChangeEvent> events = new ArrayList<>();
        for (BundleEntry entry : bundleEntriesFromJson(json)) {
            if (entry.event() == null) {
                throw new WireFormatException(entry.problem());
            }
            events.add(entry.event());
        }
        return List.copyOf(events);
    }

    /**
     * An entry of a bundle as read: its event, or, when it cannot be read, {@code null} and why.
     *
     * @param declaredLength the {@code length} the entry gives its body, whether or not it can be
     *                       read otherwise; -1 when it gives none that could be a body's length
     */
    public record BundleEntry(ChangeEvent event, String problem, int declaredLength) {
    }

    /**
     * The entries of a bundle, each read on its own, so that one that cannot be read (a path this
     * side refuses, say) costs only itself: the files beside it can still be applied, since each
     * says how long its body is.
     *
     * @throws WireFormatException when the bundle as a whole is not a non-empty JSON array
     */
    public static List<BundleEntry> bundleEntriesFromJson(String json) throws WireFormatException {
        JsonNode array;
        try {
            array = json == null ? null : MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed event JSON: " + e.getOriginalMessage());
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new WireFormatException(array != null && array.isArray() ? "empty bundle"
                    : "a bundle is not a JSON array of events");
        }
        List<BundleEntry> entries = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            entries.add(entry(array.get(i), i + 1, array.size()));
        }
        return entries;
    }

    private static BundleEntry entry(JsonNode node, int number, int count) {
        JsonNode length = node.path("length");
        int declared = length.canConvertToInt() && length.isIntegralNumber() && length.intValue() >= 0
                && length.intValue() <= WireFormat.MAX_CHUNK_BYTES ? length.intValue() : -1;
        String where = "bundle entry " + number + " of " + count + ": ";
        if (!node.isObject()) {
            return new BundleEntry(null, where + "not an event", declared);
        }
        try {
            return new BundleEntry(MAPPER.treeToValue(node, ChangeEvent.class), null, declared);
        } catch (JsonProcessingException e) {
            return new BundleEntry(null, where + JsonProblems.describe(e, "event kind", "event"), declared);
        }
    }

    private static <T> T parse(String json, Class<T> type) throws WireFormatException {
        return parse(json, MAPPER.getTypeFactory().constructType(type));
    }

    private static <T> T parse(String json, JavaType type) throws WireFormatException {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new WireFormatException(JsonProblems.describe(e, "event kind", "event"));
        }
    }
}
