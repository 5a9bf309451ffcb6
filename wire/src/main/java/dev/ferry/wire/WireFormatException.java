package dev.ferry.wire;

/**
 * A message that can never be applied: not a Ferry message, an unknown version, malformed or
 * hostile content. The message says why, in words fit for a dead-letter reason.
 */
public class WireFormatException extends Exception {
    public WireFormatException(String reason) {
        super(reason);
    }

    public WireFormatException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
