package dev.lockstep.optim;

/** Linear warm-up shared by the schedules: step s of W runs at (s + 1) / W of the target, reaching it at s = W - 1. */
final class Warmup {
    private Warmup() {}

    static void checkStep(long step) {
        if (step < 0) throw new IllegalArgumentException("learning-rate step must be >= 0, got " + step);
    }

    static double checkBaseLr(double baseLr) {
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("base learning rate must be finite and > 0, got " + baseLr);
        }
        return baseLr;
    }

    static long checkWarmup(long warmupSteps) {
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        return warmupSteps;
    }

    /** The warm-up multiplier in (0, 1]; exactly 1 from step W - 1 on (and always when W is 0). */
    static double factor(long step, long warmupSteps) {
        return step + 1 >= warmupSteps ? 1.0 : (double) (step + 1) / warmupSteps;
    }
}
