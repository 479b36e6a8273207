package dev.lockstep.data;

import dev.lockstep.LockstepException;

/**
 * Input data that cannot be used as it is: a wrong magic number, a truncated file, a label out of range.
 * The message names the file, what was expected and what was found, and where (byte offset or line).
 */
public class DataFormatException extends LockstepException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
