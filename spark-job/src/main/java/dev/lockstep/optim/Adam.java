package dev.lockstep.optim;

import java.util.LinkedHashMap;

/**
 * Adam (Kingma and Ba, 2015) with bias correction:
 * <pre>
 *   m = b1 * m + (1 - b1) * g
 *   v = b2 * v + (1 - b2) * g * g
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * No weight decay of its own: apply {@link WeightDecay} to the gradient first (L2), which keeps every
 * optimizer's meaning of "weight decay" the same. Buffers "m" and "v" are sized at construction.
 */
public final class Adam implements Optimizer {
    static final String M = "m";
    static final String V = "v";

    private final int n;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float[] m;
    private final float[] v;
    private long step;

    /** @param beta1 in [0, 1); @param beta2 in [0, 1); @param epsilon finite and > 0 */
    public Adam(int parameterCount, float beta1, float beta2, float epsilon) {
        this.n = Steps.checkParameterCount(parameterCount);
        if (!(beta1 >= 0f && beta1 < 1f))
            throw new IllegalArgumentException("adam beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0f && beta2 < 1f))
            throw new IllegalArgumentException("adam beta2 must be in [0, 1), got " + beta2);
        if (!(epsilon > 0f) || Float.isInfinite(epsilon)) {
            throw new IllegalArgumentException("adam epsilon must be finite and > 0, got " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = new float[n];
        this.v = new float[n];
    }

    @Override
    public void update(float[] params, float[] gradient, float learningRate) {
        Steps.checkUpdate(name(), n, params, gradient, learningRate);
        long t = step + 1;
        // Bias corrections once per step, in double via StrictMath so every JVM (and the interpreter vs the
        // JIT) gets the same bits; Math.pow may differ in the last ulp between them.
        final float c1 = (float) (1.0 / (1.0 - StrictMath.pow(beta1, t)));
        final float c2 = (float) (1.0 / (1.0 - StrictMath.pow(beta2, t)));
        final float b1 = beta1, b2 = beta2, ob1 = 1f - beta1, ob2 = 1f - beta2, eps = epsilon, lr = learningRate;
        final float[] mm = m, vv = v;
        for (int i = 0; i < n; i++) {
            float g = gradient[i];
            float mi = b1 * mm[i] + ob1 * g;
            float vi = b2 * vv[i] + ob2 * (g * g);
            mm[i] = mi;
            vv[i] = vi;
            // sqrt of a float widened to double and rounded back is the correctly rounded float sqrt.
            params[i] -= lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
        }
        step = t;
    }

    @Override
    public OptimizerState state() {
        LinkedHashMap<String, float[]> b = new LinkedHashMap<>();
        b.put(M, m);
        b.put(V, v);
        return new OptimizerState(step, b); // copies
    }

    @Override
    public void restore(OptimizerState state) {
        state.checkLayout(name(), n, M, V);
        state.copyInto(M, m);
        state.copyInto(V, v);
        step = state.step();
    }

    public float beta1() {
        return beta1;
    }

    public float beta2() {
        return beta2;
    }

    public float epsilon() {
        return epsilon;
    }

    @Override
    public String name() {
        return "adam";
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
        return "adam(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon + ")";
    }
}
