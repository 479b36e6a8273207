package dev.lockstep.optim;

import java.util.Map;

/**
 * SGD with classical or Nesterov momentum, in the form that keeps the learning rate outside the velocity
 * (as PyTorch does), so a schedule changing lr takes effect immediately rather than through the velocity:
 * <pre>
 *   v = mu * v + g
 *   classical: p -= lr * v
 *   nesterov:  p -= lr * (g + mu * v)
 * </pre>
 * The velocity buffer ("velocity") is sized at construction and starts at zero.
 */
public final class Momentum implements Optimizer {
    static final String VELOCITY = "velocity";

    private final int n;
    private final float mu;
    private final boolean nesterov;
    private final float[] velocity;
    private long step;

    /** @param momentum the coefficient mu, in [0, 1) */
    public Momentum(int parameterCount, float momentum, boolean nesterov) {
        this.n = Steps.checkParameterCount(parameterCount);
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.mu = momentum;
        this.nesterov = nesterov;
        this.velocity = new float[n];
    }

    @Override
    public void update(float[] params, float[] gradient, float learningRate) {
        Steps.checkUpdate(name(), n, params, gradient, learningRate);
        final float lr = learningRate;
        final float m = mu;
        final float[] v = velocity;
        // Two separate loops rather than a branch per element, so each stays a simple countable loop.
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                float g = gradient[i];
                float vi = m * v[i] + g;
                v[i] = vi;
                params[i] -= lr * (g + m * vi);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float vi = m * v[i] + gradient[i];
                v[i] = vi;
                params[i] -= lr * vi;
            }
        }
        step++;
    }

    @Override
    public OptimizerState state() {
        // The constructor copies the map's arrays, so passing the live buffer is safe.
        return new OptimizerState(step, Map.of(VELOCITY, velocity));
    }

    @Override
    public void restore(OptimizerState state) {
        state.checkLayout(name(), n, VELOCITY);
        state.copyInto(VELOCITY, velocity);
        step = state.step();
    }

    public float momentum() {
        return mu;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public String name() {
        return nesterov ? "nesterov" : "momentum";
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
        return name() + "(momentum=" + mu + ")";
    }
}
