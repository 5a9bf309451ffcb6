package dev.ferry.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/** Why Jackson could not read a value, in the reader's terms: one wording for events and repair messages. */
final class JsonProblems {

    private JsonProblems() {
    }

    /**
     * @param type    what a type id names, e.g. "event kind"
     * @param subject what was read, e.g. "event"
     */
    static String describe(JsonProcessingException e, String type, String subject) {
        if (e instanceof InvalidTypeIdException unknown) {
            return "unknown " + type + ": " + unknown.getTypeId();
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "' in " + subject;
        }
        if (e instanceof ValueInstantiationException invalid) {
            Throwable cause = invalid.getCause() != null ? invalid.getCause() : invalid;
            return "invalid " + subject + ": " + cause.getMessage();
        }
        return "malformed " + subject + " JSON: " + e.getOriginalMessage();
    }
}
