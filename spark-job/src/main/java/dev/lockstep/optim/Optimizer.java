package dev.lockstep.optim;

/**
 * Applies one gradient step at a time to a flat parameter vector, in place.
 *
 * <p>An optimizer is sized for one parameter count and owns its state (step count and per-parameter buffers).
 * Implementations use float arithmetic in a fixed order, so the same inputs always give the same bits; that is
 * what lets a run resumed from {@link #state()} continue exactly as if it had never stopped. Not thread-safe:
 * the driver calls it from one thread.
 */
public interface Optimizer {

    /**
     * Applies one step: {@code params} moves against {@code gradient} (same length as the parameter count).
     * The gradient is read only. Steps are counted from 1 on the first call (Adam's bias correction uses it).
     */
    void update(float[] params, float[] gradient, float learningRate);

    /** A deep copy of the state: the number of steps applied so far and the named buffers. */
    OptimizerState state();

    /**
     * Replaces the state with a copy of {@code state}, which must have exactly this optimizer's buffer names and
     * lengths (as produced by {@link #state()} of an optimizer with the same configuration and parameter count).
     */
    void restore(OptimizerState state);

    /** Short kind name: "sgd", "momentum", "nesterov" or "adam". */
    String name();

    /** Number of steps applied so far (0 before the first update); cheaper than {@code state().step()}. */
    long step();

    /** The parameter count this optimizer was created for. */
    int parameterCount();
}
