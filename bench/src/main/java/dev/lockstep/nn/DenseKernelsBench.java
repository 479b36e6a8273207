package dev.lockstep.nn;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three dense-layer products of each layer of the default 784-256-128-10 network, on one thread:
 * {@code forward} (Y = X W^T + b), {@code weightGradient} (G += delta^T X) and {@code backpropagate} (delta W),
 * each 2 * batch * in * out floating-point operations. The secondary result {@code gflop} is that count per second
 * in units of 10^9, i.e. GFLOP/s. {@code kernels}: {@code vector} (Vector API), {@code scalar} (the fallback that
 * gives the same bits) and {@code baseline} (the kernels before this change, unfused, copied below).
 *
 * <p>Inputs are dense (no zeros), so zero skipping saves nothing and every counted operation is done.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DenseKernelsBench {
    @Param({"784x256", "256x128", "128x10"})
    public String layer;

    @Param({"32", "128", "512"})
    public int batch;

    @Param({"vector", "scalar", "baseline"})
    public String kernels;

    private int in, out;
    private Kernels k;
    private float[] x, params, wT, y, delta, grad, prev;
    private static final int W = 3; // weights start at a non-zero offset, as in a real parameter vector

    /** Floating-point operations done, in GFLOP; JMH reports it per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = layer.split("x");
        in = Integer.parseInt(s[0]);
        out = Integer.parseInt(s[1]);
        switch (kernels) {
            case "vector":
                k = DenseKernels.vector();
                if (k == null) throw new IllegalStateException("no jdk.incubator.vector in this JVM");
                break;
            case "scalar":
                k = ScalarKernels.INSTANCE;
                break;
            case "baseline":
                k = null;
                break;
            default:
                throw new IllegalArgumentException(kernels);
        }
        SplittableRandom rng = new SplittableRandom(1);
        x = dense(rng, batch * in);
        params = dense(rng, W + out * in + out);
        wT = new float[in * out];
        DenseKernels.transpose(params, W, out, in, wT);
        y = new float[batch * out];
        delta = dense(rng, batch * out);
        grad = new float[params.length];
        prev = new float[batch * in];
    }

    private static float[] dense(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextDouble(0.01, 1) * (rng.nextBoolean() ? 1 : -1);
        return a;
    }

    private double gflop() {
        return 2.0 * batch * in * out * 1e-9;
    }

    @Benchmark
    public float[] forward(Flops f) {
        if (k == null) Baseline.affine(x, batch, in, wT, params, W + out * in, out, y);
        else DenseKernels.affine(k, x, batch, in, wT, params, W + out * in, out, y);
        f.gflop += gflop();
        return y;
    }

    @Benchmark
    public float[] weightGradient(Flops f) {
        if (k == null) Baseline.accumulateWeightGradient(delta, x, batch, in, out, grad, W);
        else DenseKernels.accumulateWeightGradient(k, delta, x, batch, in, out, grad, W);
        f.gflop += gflop();
        return grad;
    }

    @Benchmark
    public float[] backpropagate(Flops f) {
        if (k == null) Baseline.backpropagate(delta, batch, out, params, W, in, prev);
        else DenseKernels.backpropagate(k, delta, batch, out, params, W, in, prev);
        f.gflop += gflop();
        return prev;
    }

    /** The kernels as they were before the Vector API work (commit 367d62d), for comparison. */
    static final class Baseline {
        private Baseline() {}

        static void affine(float[] x, int n, int in, float[] wT, float[] params, int biasOffset, int out, float[] dst) {
            for (int r = 0; r < n; r++) {
                int o = r * out;
                System.arraycopy(params, biasOffset, dst, o, out);
                int xr = r * in;
                for (int k = 0; k < in; k++) {
                    float v = x[xr + k];
                    if (v == 0f) continue;
                    int w = k * out;
                    for (int j = 0; j < out; j++) dst[o + j] += v * wT[w + j];
                }
            }
        }

        static void accumulateWeightGradient(
                float[] delta, float[] x, int n, int in, int out, float[] grad, int weightOffset) {
            for (int j = 0; j < out; j++) {
                int g = weightOffset + j * in;
                for (int r = 0; r < n; r++) {
                    float d = delta[r * out + j];
                    if (d == 0f) continue;
                    int xr = r * in;
                    for (int k = 0; k < in; k++) grad[g + k] += d * x[xr + k];
                }
            }
        }

        static void backpropagate(
                float[] delta, int n, int out, float[] params, int weightOffset, int in, float[] prev) {
            for (int r = 0; r < n; r++) {
                int p = r * in;
                Arrays.fill(prev, p, p + in, 0f);
                for (int j = 0; j < out; j++) {
                    float d = delta[r * out + j];
                    if (d == 0f) continue;
                    int w = weightOffset + j * in;
                    for (int k = 0; k < in; k++) prev[p + k] += d * params[w + k];
                }
            }
        }
    }
}
