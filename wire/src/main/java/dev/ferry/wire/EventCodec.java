package dev.ferry.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
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
     */
    public static List<ChangeEvent> bundleFromJson(String json) throws WireFormatException {
        List<ChangeEvent> events = json == null ? null : parse(json, EVENT_LIST);
        if (events == null || events.isEmpty()) {
            throw new WireFormatException("empty bundle");
        }
        if (events.contains(null)) {
            throw new WireFormatException("a bundle entry is null");
        }
        return List.copyOf(events);
    }

    private static <T> T parse(String json, Class<T> type) throws WireFormatException {
        return parse(json, MAPPER.getTypeFactory().constructType(type));
    }

    private static <T> T parse(String json, JavaType type) throws WireFormatException {
        try {
            return MAPPER.readValue(json, type);
        } catch (InvalidTypeIdException e) {
            throw new WireFormatException("unknown event kind: " + e.getTypeId());
        } catch (UnrecognizedPropertyException e) {
            throw new WireFormatException("unknown field '" + e.getPropertyName() + "' in event");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new WireFormatException("invalid event: " + cause.getMessage());
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed event JSON: " + e.getOriginalMessage());
        }
    }
}
