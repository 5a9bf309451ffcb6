package dev.ferry.producer.repair;

import java.io.IOException;

/**
 * The broker refuses an answer: the producer may not write the asking mirror's queue (see the
 * broker's access rules), or the broker cannot tell whether that queue exists (see {@link
 * MirrorQueueCheck}). Not a lost broker, which is waited for: the repair is dropped with a
 * warning, and the producer goes on.
 */
public final class RefusedAnswerException extends IOException {

    public RefusedAnswerException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
