package dev.ferry.producer;

import java.util.concurrent.ExecutionException;

/** What a task threw on another thread, thrown again on the thread that waited for it. */
final class TaskFailure {

    private TaskFailure() {
    }

    /** Like {@link #rethrow(Throwable, Class)}, for what a {@link java.util.concurrent.Future} reports. */
    static <X extends Exception> IllegalStateException rethrow(ExecutionException e, Class<X> checked) throws X {
        return rethrow(e.getCause(), checked);
    }

    /**
     * Throws the task's failure as it was when it is unchecked or a {@code checked}; any other
     * is returned wrapped, for the caller to throw.
     */
    static <X extends Exception> IllegalStateException rethrow(Throwable cause, Class<X> checked) throws X {
        if (checked.isInstance(cause)) {
            throw checked.cast(cause);
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("failed on another thread: " + cause, cause);
    }
}
