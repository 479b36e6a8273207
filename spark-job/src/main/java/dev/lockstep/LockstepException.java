package dev.lockstep;

/**
 * A failure whose message is meant for the user: bad input data, a bad option, a corrupt model file.
 * Commands print its message as one line and exit non-zero, without a stack trace.
 */
public class LockstepException extends RuntimeException {
    public LockstepException(String message) {
        super(message);
    }

    public LockstepException(String message, Throwable cause) {
        super(message, cause);
    }
}
