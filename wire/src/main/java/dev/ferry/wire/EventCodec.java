package dev.ferry.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Events to and from JSON. Parsing is strict: an unknown kind, an unknown or missing field, or a
 * value out of range is rejected with the reason.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private EventCodec() {
    }

    public static String toJson(ChangeEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
    }

    public static ChangeEvent fromJson(String json) throws WireFormatException {
        if (json == null) {
            throw new WireFormatException("no event in the message");
        }
        ChangeEvent event;
        try {
            event = MAPPER.readValue(json, ChangeEvent.class);
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
        if (event == null) {
            // Jackson reads the JSON literal null as no object at all, without complaint.
            throw new WireFormatException("no event in the message (the JSON is null)");
        }
        return event;
    }
}
