package dev.lockstep.optim;

/** Argument checks shared by the optimizers; once per step, never per element. */
final class Steps {
    private Steps() {}

    static int checkParameterCount(int n) {
        if (n < 1) throw new IllegalArgumentException("parameter count must be >= 1, got " + n);
        return n;
    }

    static void checkUpdate(String optimizer, int n, float[] params, float[] gradient, float learningRate) {
        if (params == null || gradient == null) {
            throw new IllegalArgumentException(optimizer + ": params and gradient are required");
        }
        if (params.length != n || gradient.length != n) {
            throw new IllegalArgumentException(optimizer + " was created for " + n + " parameters, got params["
                    + params.length + "] and gradient[" + gradient.length + "]");
        }
        if (!(learningRate >= 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    optimizer + ": learning rate must be finite and >= 0, got " + learningRate);
        }
    }
}
