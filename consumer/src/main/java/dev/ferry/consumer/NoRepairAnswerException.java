package dev.ferry.consumer;

import java.io.IOException;

/**
 * A drain waited for a repair that cannot finish: no producer answered within the repair timeout,
 * or the broker does not let the consumer ask. The message is the one line the user sees.
 */
public final class NoRepairAnswerException extends IOException {

    NoRepairAnswerException(String message) {
        super(message);
    }
}
