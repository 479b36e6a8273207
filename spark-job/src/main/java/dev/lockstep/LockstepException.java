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

    /** The message a user can act on: ours when we threw it, even when Spark wrapped it on the way back. */
    public static String describe(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof LockstepException) return t.getMessage();
        }
        Throwable root = ex;
        while (root.getCause() != null) root = root.getCause();
        String msg = root.getMessage();
        return root.getClass().getSimpleName()
                + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""))
                + " (set LOCKSTEP_DEBUG=1 for the stack trace)";
    }
}
