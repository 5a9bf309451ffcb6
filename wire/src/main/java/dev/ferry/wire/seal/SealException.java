package dev.ferry.wire.seal;

import dev.ferry.wire.WireFormatException;

/**
 * A message whose seal does not hold: unsigned where a signature is required, signed by a key not
 * trusted, altered after it was signed or encrypted, encrypted with another key, or in clear where
 * encryption is required. It is dead-lettered with this reason, and nothing of it is applied.
 */
public final class SealException extends WireFormatException {

    public SealException(String message) {
        super(message);
    }
}
