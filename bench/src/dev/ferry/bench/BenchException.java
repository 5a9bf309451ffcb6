package dev.ferry.bench;

/** A run that cannot be measured, with what went wrong and where; one scenario fails, the others go on. */
final class BenchException extends RuntimeException {

    BenchException(String message) {
        super(message);
    }

    BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
