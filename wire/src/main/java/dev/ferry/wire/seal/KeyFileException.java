package dev.ferry.wire.seal;

/** A key file that cannot be used: the message names the file and why, in one line. */
public final class KeyFileException extends Exception {

    public KeyFileException(String message) {
        super(message);
    }
}
