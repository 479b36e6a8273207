package dev.lockstep.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptimizersTest {

    // Hand-computed values use dyadic numbers (0.5, 0.25, ...) so float arithmetic is exact and assertions can be too.

    @Test
    void sgdStepsByLearningRateTimesGradient() {
        Sgd sgd = new Sgd(3);
        float[] p = {1f, -2f, 0.5f};
        float[] g = {0.5f, -1f, 4f};
        sgd.update(p, g, 0.25f);
        assertArrayEquals(new float[] {0.875f, -1.75f, -0.5f}, p);
        sgd.update(p, g, 0.25f);
        assertArrayEquals(new float[] {0.75f, -1.5f, -1.5f}, p);
        assertArrayEquals(new float[] {0.5f, -1f, 4f}, g, "gradient is read only");
        assertEquals(2, sgd.step());
        assertEquals(OptimizerState.ofStep(2), sgd.state());
    }

    @Test
    void classicalMomentumTwoStepsByHand() {
        Momentum opt = new Momentum(2, 0.5f, false);
        float[] p = {1f, 2f};
        // step 1: v = [1, -2]; p -= 0.5 * v
        opt.update(p, new float[] {1f, -2f}, 0.5f);
        assertArrayEquals(new float[] {0.5f, 3f}, p);
        // step 2: v = 0.5 * [1, -2] + [2, 4] = [2.5, 3]; p -= 0.5 * v
        opt.update(p, new float[] {2f, 4f}, 0.5f);
        assertArrayEquals(new float[] {-0.75f, 1.5f}, p);
        assertArrayEquals(new float[] {2.5f, 3f}, opt.state().buffer("velocity"));
        assertEquals("momentum", opt.name());
    }

    @Test
    void nesterovMomentumTwoStepsByHand() {
        Momentum opt = new Momentum(2, 0.5f, true);
        float[] p = {1f, 2f};
        // step 1: v = [1, -2]; p -= 0.5 * (g + 0.5 v) = 0.5 * [1.5, -3]
        opt.update(p, new float[] {1f, -2f}, 0.5f);
        assertArrayEquals(new float[] {0.25f, 3.5f}, p);
        // step 2: v = [2.5, 3]; g + 0.5 v = [3.25, 5.5]; p -= 0.5 * that
        opt.update(p, new float[] {2f, 4f}, 0.5f);
        assertArrayEquals(new float[] {-1.375f, 0.75f}, p);
        assertArrayEquals(new float[] {2.5f, 3f}, opt.state().buffer("velocity"));
        assertEquals("nesterov", opt.name());
    }

    @Test
    void adamFirstStepsMoveEachParameterByAboutLrTimesSignOfGradient() {
        Adam adam = new Adam(4, 0.9f, 0.999f, 1e-8f);
        float[] p = {1f, 1f, 1f, 1f};
        float[] g = {0.3f, -2f, 1e-3f, 0f};
        float lr = 0.01f;
        adam.update(p, g, lr);
        // Bias correction makes m_hat = g and v_hat = g^2 on step 1, so the step is lr * g / (|g| + eps).
        assertEquals(1f - lr, p[0], 1e-6f);
        assertEquals(1f + lr, p[1], 1e-6f);
        assertEquals(1f - lr, p[2], 1e-6f);
        assertEquals(1f, p[3], 0f, "zero gradient, zero step");
        // (1 - b1) g and (1 - b2) g^2; tolerances allow for 1f - 0.9f and 1f - 0.999f not being exact in float.
        assertArrayEquals(new float[] {0.03f, -0.2f, 1e-4f, 0f}, adam.state().buffer("m"), 1e-7f);
        assertArrayEquals(new float[] {9e-5f, 4e-3f, 1e-9f, 0f}, adam.state().buffer("v"), 1e-7f);
        // With the same gradient again, the corrected moments are still g and g^2: another step of ~lr.
        adam.update(p, g, lr);
        assertEquals(1f - 2 * lr, p[0], 2e-6f);
        assertEquals(1f + 2 * lr, p[1], 2e-6f);
        assertEquals(2, adam.step());
    }

    @Test
    void adamStepIsScaleInvariant() {
        // Multiplying the gradient by a power of two leaves the Adam step unchanged (up to epsilon).
        Adam a = new Adam(2, 0.9f, 0.999f, 1e-8f);
        Adam b = new Adam(2, 0.9f, 0.999f, 1e-8f);
        float[] pa = {0f, 0f}, pb = {0f, 0f};
        a.update(pa, new float[] {0.5f, -0.25f}, 0.1f);
        b.update(pb, new float[] {64f, -32f}, 0.1f);
        assertArrayEquals(pa, pb, 1e-7f);
    }

    // f(x) = sum a_i (x_i - c_i)^2, gradient 2 a_i (x_i - c_i).
    private static final float[] A = {1f, 4f, 0.5f, 2f};
    private static final float[] C = {3f, -1f, 0.25f, 10f};

    private static void quadraticGradient(float[] x, float[] g) {
        for (int i = 0; i < x.length; i++) g[i] = 2f * A[i] * (x[i] - C[i]);
    }

    private static float[] minimise(Optimizer opt, LearningRateSchedule lr, int steps) {
        float[] x = new float[A.length];
        float[] g = new float[A.length];
        for (int s = 0; s < steps; s++) {
            quadraticGradient(x, g);
            opt.update(x, g, lr.rate(s));
        }
        return x;
    }

    @Test
    void sgdMinimisesQuadratic() {
        assertArrayEquals(C, minimise(new Sgd(4), new ConstantSchedule(0.1), 500), 1e-4f);
    }

    @Test
    void momentumMinimisesQuadratic() {
        assertArrayEquals(C, minimise(new Momentum(4, 0.9f, false), new ConstantSchedule(0.05), 1000), 1e-4f);
    }

    @Test
    void nesterovMinimisesQuadratic() {
        assertArrayEquals(C, minimise(new Momentum(4, 0.9f, true), new ConstantSchedule(0.05), 1000), 1e-4f);
    }

    @Test
    void adamMinimisesQuadratic() {
        // Constant-lr Adam hovers within ~lr of the optimum; a cosine decay lets it settle.
        assertArrayEquals(
                C, minimise(new Adam(4, 0.9f, 0.999f, 1e-8f), new WarmupCosineSchedule(0.1, 0, 3000, 0), 3000), 1e-3f);
    }

    /** A noisy, parameter-dependent gradient stream, so resumed runs only match if the state is fully restored. */
    private static void runSteps(Optimizer opt, WeightDecay wd, float[] params, long fromStep, int steps, long seed) {
        float[] g = new float[params.length];
        LearningRateSchedule lr = new WarmupCosineSchedule(0.05, 5, 40, 0.001);
        for (long s = fromStep; s < fromStep + steps; s++) {
            Random noise = new Random(seed * 1_000_003L + s); // keyed by step, not by history
            for (int i = 0; i < params.length; i++) {
                g[i] = (float) (Math.sin(params[i]) + 0.3 * noise.nextGaussian());
            }
            wd.apply(params, g);
            opt.update(params, g, lr.rate(s));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum", "nesterov", "adam", "adam:beta1=0.8,beta2=0.99,eps=1e-6"})
    void resumeFromStateIsBitIdenticalToNeverStopping(String spec) {
        int n = 1001;
        OptimizerSpec os = OptimizerSpec.parse(spec);
        WeightDecay wd = new WeightDecay(1e-3f, new int[][] {{0, 500}, {600, 1000}});
        float[] params = new float[n];
        Random init = new Random(7);
        for (int i = 0; i < n; i++) params[i] = (float) init.nextGaussian();

        Optimizer first = os.create(n);
        runSteps(first, wd, params, 0, 10, 42);
        OptimizerState snapshot = first.state();
        float[] paramsAt10 = params.clone();
        assertEquals(10, snapshot.step());

        runSteps(first, wd, params, 10, 10, 42);
        float[] a = params;

        Optimizer resumed = os.create(n);
        resumed.restore(snapshot);
        assertEquals(snapshot, resumed.state());
        float[] b = paramsAt10.clone();
        runSteps(resumed, wd, b, 10, 10, 42);

        assertTrue(Arrays.equals(a, b), "resumed run must be bit-identical");
        assertEquals(first.state(), resumed.state());
        assertEquals(20, resumed.step());
        assertFalse(Arrays.equals(paramsAt10, a), "the test must actually move the parameters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum", "nesterov", "adam"})
    void sameInputsGiveSameBits(String spec) {
        float[] x = {0.1f, -0.7f, 3f};
        float[] y = x.clone();
        Optimizer o1 = OptimizerSpec.parse(spec).create(3);
        Optimizer o2 = OptimizerSpec.parse(spec).create(3);
        for (int s = 0; s < 50; s++) {
            float[] g = {(float) Math.cos(s), 0.01f * s, -1f / (s + 1)};
            o1.update(x, g, 0.03f);
            o2.update(y, g.clone(), 0.03f);
        }
        assertTrue(Arrays.equals(x, y));
    }

    @Test
    void snapshotIsADeepCopy() {
        Momentum opt = new Momentum(2, 0.9f, false);
        float[] p = {0f, 0f};
        opt.update(p, new float[] {1f, 1f}, 0.1f);
        OptimizerState s = opt.state();
        opt.update(p, new float[] {1f, 1f}, 0.1f);
        assertArrayEquals(new float[] {1f, 1f}, s.buffer("velocity"), "later updates must not leak into the snapshot");
        assertEquals(1, s.step());
    }

    @Test
    void restoreRejectsWrongBufferNames() {
        Adam adam = new Adam(3, 0.9f, 0.999f, 1e-8f);
        Momentum mom = new Momentum(3, 0.9f, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mom.restore(adam.state()));
        assertTrue(e.getMessage().contains("[m, v]") && e.getMessage().contains("velocity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> adam.restore(mom.state()));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(3).restore(mom.state()));
        assertThrows(IllegalArgumentException.class, () -> mom.restore(OptimizerState.ofStep(4)));
        // Only one of Adam's two buffers.
        assertThrows(
                IllegalArgumentException.class, () -> adam.restore(new OptimizerState(1, Map.of("m", new float[3]))));
        // An extra buffer.
        Map<String, float[]> extra = new LinkedHashMap<>();
        extra.put("m", new float[3]);
        extra.put("v", new float[3]);
        extra.put("u", new float[3]);
        assertThrows(IllegalArgumentException.class, () -> adam.restore(new OptimizerState(1, extra)));
    }

    @Test
    void restoreRejectsWrongLengthsAndLeavesStateUntouched() {
        Adam adam = new Adam(3, 0.9f, 0.999f, 1e-8f);
        float[] p = {1f, 2f, 3f};
        adam.update(p, new float[] {1f, 1f, 1f}, 0.1f);
        OptimizerState before = adam.state();

        Map<String, float[]> bad = new LinkedHashMap<>();
        bad.put("m", new float[] {9f, 9f, 9f});
        bad.put("v", new float[] {9f, 9f});
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> adam.restore(new OptimizerState(5, bad)));
        assertTrue(e.getMessage().contains("'v' has 2 values, expected 3"), e.getMessage());
        assertEquals(before, adam.state(), "a rejected restore must not half-apply");

        assertThrows(
                IllegalArgumentException.class,
                () -> new Momentum(4, 0.9f, true).restore(new Momentum(3, 0.9f, true).state()));
    }

    @Test
    void restoreAcceptsBuffersInAnyOrder() {
        Map<String, float[]> b = new LinkedHashMap<>();
        b.put("v", new float[] {4f});
        b.put("m", new float[] {2f});
        Adam adam = new Adam(1, 0.9f, 0.999f, 1e-8f);
        adam.restore(new OptimizerState(3, b));
        assertEquals(3, adam.step());
        assertArrayEquals(new float[] {2f}, adam.state().buffer("m"));
        assertArrayEquals(new float[] {4f}, adam.state().buffer("v"));
    }

    @Test
    void updateRejectsMismatchedLengthsAndBadLearningRates() {
        Optimizer opt = new Momentum(3, 0.9f, false);
        assertThrows(IllegalArgumentException.class, () -> opt.update(new float[3], new float[2], 0.1f));
        assertThrows(IllegalArgumentException.class, () -> opt.update(new float[4], new float[4], 0.1f));
        assertThrows(IllegalArgumentException.class, () -> opt.update(new float[3], new float[3], Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> opt.update(new float[3], new float[3], -0.1f));
        assertEquals(0, opt.step(), "rejected updates do not count");
    }

    @Test
    void constructorsValidateHyperparameters() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0));
        assertThrows(IllegalArgumentException.class, () -> new Momentum(3, 1f, false));
        assertThrows(IllegalArgumentException.class, () -> new Momentum(3, -0.1f, false));
        assertThrows(IllegalArgumentException.class, () -> new Momentum(3, Float.NaN, false));
        assertThrows(IllegalArgumentException.class, () -> new Adam(3, 1f, 0.999f, 1e-8f));
        assertThrows(IllegalArgumentException.class, () -> new Adam(3, 0.9f, 1f, 1e-8f));
        assertThrows(IllegalArgumentException.class, () -> new Adam(3, 0.9f, 0.999f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Adam(3, 0.9f, 0.999f, Float.POSITIVE_INFINITY));
        // momentum 0 is plain SGD
        Momentum zero = new Momentum(2, 0f, false);
        Sgd sgd = new Sgd(2);
        float[] a = {1f, 2f}, b = {1f, 2f};
        zero.update(a, new float[] {0.3f, -0.7f}, 0.1f);
        sgd.update(b, new float[] {0.3f, -0.7f}, 0.1f);
        assertArrayEquals(b, a);
        assertNotEquals(zero.name(), sgd.name());
    }
}
