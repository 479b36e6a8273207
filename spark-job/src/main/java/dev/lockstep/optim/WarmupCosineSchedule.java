package dev.lockstep.optim;

/**
 * Linear warm-up from {@code baseLr / warmupSteps} to {@code baseLr} (reached at step {@code warmupSteps - 1}),
 * then half a cosine from {@code baseLr} down to {@code minLr} at the last step, {@code totalSteps - 1}.
 * Without warm-up the cosine starts at step 0. Steps past the end stay at {@code minLr}.
 */
public final class WarmupCosineSchedule implements LearningRateSchedule {
    private final double baseLr;
    private final long warmupSteps;
    private final long totalSteps;
    private final double minLr;
    private final long cosineStart; // the step where the cosine is at baseLr
    private final long cosineLength; // steps from cosineStart to the last step

    public WarmupCosineSchedule(double baseLr, long warmupSteps, long totalSteps, double minLr) {
        this.baseLr = Warmup.checkBaseLr(baseLr);
        this.warmupSteps = Warmup.checkWarmup(warmupSteps);
        if (totalSteps < 1) throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
        if (warmupSteps >= totalSteps) {
            throw new IllegalArgumentException(
                    "warm-up (" + warmupSteps + " steps) must be shorter than the run (" + totalSteps + " steps)");
        }
        if (!(minLr >= 0 && minLr <= baseLr)) {
            throw new IllegalArgumentException("min learning rate must be in [0, base " + baseLr + "], got " + minLr);
        }
        this.totalSteps = totalSteps;
        this.minLr = minLr;
        // The warm-up's last step and the cosine's first share baseLr, so the curve has no jump.
        this.cosineStart = Math.max(warmupSteps - 1, 0);
        this.cosineLength = totalSteps - 1 - cosineStart; // 0 only for a one-step run without warm-up
    }

    @Override
    public float rate(long step) {
        Warmup.checkStep(step);
        if (step < cosineStart) return (float) (baseLr * Warmup.factor(step, warmupSteps));
        if (cosineLength == 0) return (float) baseLr; // a single step: train it at the base rate, not at minLr
        if (step >= totalSteps - 1) return (float) minLr;
        double progress = (double) (step - cosineStart) / cosineLength;
        return (float) (minLr + (baseLr - minLr) * 0.5 * (1.0 + StrictMath.cos(Math.PI * progress)));
    }

    public double baseLr() {
        return baseLr;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public double minLr() {
        return minLr;
    }

    @Override
    public String toString() {
        return "cosine lr " + baseLr + " -> " + minLr + " over " + totalSteps + " steps"
                + (warmupSteps > 0 ? ", " + warmupSteps + " warm-up steps" : "");
    }
}
