package dev.lockstep;

/** A bad option or setting: commands exit with code 2 (README, "Exit codes and troubleshooting"). */
public final class UsageException extends LockstepException {
    public UsageException(String message) {
        super(message);
    }
}
