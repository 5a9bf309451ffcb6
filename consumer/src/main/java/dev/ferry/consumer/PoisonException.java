package dev.ferry.consumer;

/**
 * An event that can never be applied as sent (its body does not match its hash, its chunks are
 * missing, ...). Retrying cannot help: the message goes to the dead-letter queue with this reason.
 */
final class PoisonException extends Exception {
    PoisonException(String reason) {
        super(reason);
    }
}
