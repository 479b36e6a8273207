package dev.lockstep.optim;

/**
 * {@code baseLr * gamma^floor(step / decayEvery)}, times a linear warm-up factor during the first
 * {@code warmupSteps}. Decay boundaries count from step 0, not from the end of warm-up, so "every 10 epochs"
 * lands on epoch boundaries whatever the warm-up.
 */
public final class WarmupStepDecaySchedule implements LearningRateSchedule {
    private final double baseLr;
    private final long warmupSteps;
    private final long decayEvery;
    private final double gamma;

    /** @param gamma multiplier per decay, in (0, 1]; @param decayEvery steps between decays, >= 1 */
    public WarmupStepDecaySchedule(double baseLr, long warmupSteps, long decayEvery, double gamma) {
        this.baseLr = Warmup.checkBaseLr(baseLr);
        this.warmupSteps = Warmup.checkWarmup(warmupSteps);
        if (decayEvery < 1) throw new IllegalArgumentException("decay interval must be >= 1 step, got " + decayEvery);
        if (!(gamma > 0 && gamma <= 1))
            throw new IllegalArgumentException("decay gamma must be in (0, 1], got " + gamma);
        this.decayEvery = decayEvery;
        this.gamma = gamma;
    }

    @Override
    public float rate(long step) {
        Warmup.checkStep(step);
        double decay = StrictMath.pow(gamma, (double) (step / decayEvery));
        return (float) (baseLr * decay * Warmup.factor(step, warmupSteps));
    }

    public double baseLr() {
        return baseLr;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public long decayEvery() {
        return decayEvery;
    }

    public double gamma() {
        return gamma;
    }

    @Override
    public String toString() {
        return "step lr " + baseLr + " x" + gamma + " every " + decayEvery + " steps"
                + (warmupSteps > 0 ? ", " + warmupSteps + " warm-up steps" : "");
    }
}
