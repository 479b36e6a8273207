package dev.lockstep.optim;

/** Plain gradient descent: {@code p -= lr * g}. Keeps no buffers; its state is just the step count. */
public final class Sgd implements Optimizer {
    private final int n;
    private long step;

    public Sgd(int parameterCount) {
        this.n = Steps.checkParameterCount(parameterCount);
    }

    @Override
    public void update(float[] params, float[] gradient, float learningRate) {
        Steps.checkUpdate(name(), n, params, gradient, learningRate);
        final float lr = learningRate;
        for (int i = 0; i < n; i++) {
            params[i] -= lr * gradient[i];
        }
        step++;
    }

    @Override
    public OptimizerState state() {
        return OptimizerState.ofStep(step);
    }

    @Override
    public void restore(OptimizerState state) {
        state.checkLayout(name(), n);
        step = state.step();
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public int parameterCount() {
        return n;
    }

    @Override
    public String toString() {
        return "sgd";
    }
}
