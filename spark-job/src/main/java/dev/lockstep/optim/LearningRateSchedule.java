package dev.lockstep.optim;

/**
 * The learning rate for each step of a run. Steps count from 0; a schedule is built knowing the run's length.
 * Implementations compute in double with {@link StrictMath} and round once to float, so a rate depends only
 * on the step, never on the JVM or on what was asked before (a resumed run sees the same rates).
 */
public interface LearningRateSchedule {

    /** The learning rate for step {@code step} (>= 0). Steps past the planned end keep the final rate. */
    float rate(long step);
}
