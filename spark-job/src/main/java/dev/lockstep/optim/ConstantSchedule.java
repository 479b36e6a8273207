package dev.lockstep.optim;

/** A fixed learning rate, optionally after a linear warm-up. */
public final class ConstantSchedule implements LearningRateSchedule {
    private final double baseLr;
    private final long warmupSteps;

    public ConstantSchedule(double baseLr) {
        this(baseLr, 0);
    }

    public ConstantSchedule(double baseLr, long warmupSteps) {
        this.baseLr = Warmup.checkBaseLr(baseLr);
        this.warmupSteps = Warmup.checkWarmup(warmupSteps);
    }

    @Override
    public float rate(long step) {
        Warmup.checkStep(step);
        return (float) (baseLr * Warmup.factor(step, warmupSteps));
    }

    public double baseLr() {
        return baseLr;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    @Override
    public String toString() {
        return "constant lr " + baseLr + (warmupSteps > 0 ? " after " + warmupSteps + " warm-up steps" : "");
    }
}
