package dev.lockstep.nn;

import java.util.Arrays;

/**
 * The dense-layer products on flat row-major arrays, each one call of {@link Kernels#gemm}: fused multiply-adds
 * in a fixed order per output element, so results are reproducible bit for bit.
 *
 * <p>Which implementation runs: the Vector API kernels ({@code VectorKernels}) when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else {@link ScalarKernels}; {@code -Dlockstep.kernels=scalar} forces
 * the scalar ones. Both compute the same bits (see {@link Kernels}), so executors may differ in this.
 */
public final class DenseKernels {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Kernels VECTOR = loadVector();
    private static Kernels impl =
            System.getProperty("lockstep.kernels", "").equalsIgnoreCase("scalar") || VECTOR == null
                    ? ScalarKernels.INSTANCE
                    : VECTOR;

    private DenseKernels() {}

    /**
     * The vector kernels, or null if the module is not in the boot layer. The class is named only as a string, so a
     * JVM without the module never loads it (it would fail to link).
     */
    private static Kernels loadVector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) return null;
        try {
            return (Kernels) Class.forName("dev.lockstep.nn.VectorKernels")
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** The vector kernels if this JVM has them, else null. */
    static Kernels vector() {
        return VECTOR;
    }

    /** The kernels in use. */
    static Kernels current() {
        return impl;
    }

    /** For tests and benchmarks: use these kernels from now on; returns the previous ones. Not thread-safe. */
    static Kernels use(Kernels kernels) {
        Kernels previous = impl;
        impl = kernels;
        return previous;
    }

    /** What runs, for logs: "vector (512-bit)" or "scalar". */
    public static String description() {
        return impl.description();
    }

    /** Tile edge of the transpose: a 32 x 32 tile of reads and one of writes stay in L1. */
    private static final int TILE = 32;

    /**
     * dst[c * rows + r] = src[offset + r * cols + c]: a [rows][cols] block to [cols][rows], tile by tile (the plain
     * double loop strides through dst a row at a time and misses the cache on nearly every write).
     */
    public static void transpose(float[] src, int offset, int rows, int cols, float[] dst) {
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    int s = offset + r * cols;
                    for (int c = c0; c < c1; c++) dst[c * rows + r] = src[s + c];
                }
            }
        }
    }

    /**
     * out[r][j] = bias[j] + sum_k x[r][k] * wT[k][j] for the first n rows (k ascending, fused multiply-adds), with
     * the zero skipping of {@link Kernels}: most pixels of a digit are background, and ReLU zeroes about half of
     * each hidden layer.
     */
    public static void affine(
            float[] x, int n, int in, float[] wT, float[] params, int biasOffset, int out, float[] dst) {
        affine(impl, x, n, in, wT, params, biasOffset, out, dst);
    }

    static void affine(
            Kernels k, float[] x, int n, int in, float[] wT, float[] params, int biasOffset, int out, float[] dst) {
        affine(k, x, n, in, wT, params, biasOffset, out, dst, false);
    }

    /**
     * As {@link #affine}, then ReLU ({@code max(y, +0)}) if {@code relu}: fused into the kernels' stores, no extra
     * pass.
     */
    static void affine(
            float[] x, int n, int in, float[] wT, float[] params, int biasOffset, int out, float[] dst, boolean relu) {
        affine(impl, x, n, in, wT, params, biasOffset, out, dst, relu);
    }

    static void affine(
            Kernels k,
            float[] x,
            int n,
            int in,
            float[] wT,
            float[] params,
            int biasOffset,
            int out,
            float[] dst,
            boolean relu) {
        for (int r = 0; r < n; r++) System.arraycopy(params, biasOffset, dst, r * out, out);
        k.gemm(n, out, in, x, 0, in, 1, wT, 0, out, dst, 0, out, relu ? 0f : Float.NEGATIVE_INFINITY);
    }

    /** grad[j][k] += sum_r delta[r][j] * x[r][k], rows r in order (fused multiply-adds). */
    public static void accumulateWeightGradient(
            float[] delta, float[] x, int n, int in, int out, float[] grad, int weightOffset) {
        accumulateWeightGradient(impl, delta, x, n, in, out, grad, weightOffset);
    }

    static void accumulateWeightGradient(
            Kernels k, float[] delta, float[] x, int n, int in, int out, float[] grad, int weightOffset) {
        k.gemm(out, in, n, delta, 0, 1, out, x, 0, in, grad, weightOffset, in, Float.NEGATIVE_INFINITY);
    }

    static void accumulateBiasGradient(float[] delta, int n, int out, float[] grad, int biasOffset) {
        for (int r = 0; r < n; r++) {
            int d = r * out;
            for (int j = 0; j < out; j++) grad[biasOffset + j] += delta[d + j];
        }
    }

    /**
     * prev[r][k] = sum_j delta[r][j] * w[j][k] (j ascending, from +0): the gradient flowing into the layer's inputs.
     */
    public static void backpropagate(
            float[] delta, int n, int out, float[] params, int weightOffset, int in, float[] prev) {
        backpropagate(impl, delta, n, out, params, weightOffset, in, prev);
    }

    static void backpropagate(
            Kernels k, float[] delta, int n, int out, float[] params, int weightOffset, int in, float[] prev) {
        Arrays.fill(prev, 0, n * in, 0f);
        k.gemm(n, in, out, delta, 0, out, 1, params, weightOffset, in, prev, 0, in, Float.NEGATIVE_INFINITY);
    }

    /** Numerically stable softmax of each row in place (shifted by the row's maximum). */
    static void softmaxRows(float[] z, int n, int classes) {
        for (int r = 0; r < n; r++) {
            int o = r * classes;
            float max = z[o];
            for (int c = 1; c < classes; c++) max = Math.max(max, z[o + c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                double e = StrictMath.exp(z[o + c] - max);
                z[o + c] = (float) e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int c = 0; c < classes; c++) {
                float p = z[o + c] * inv;
                // A confident network gives the wrong classes probabilities below float's normal range; as
                // subnormals they would make every multiply-add of the backward pass take the CPU's slow path.
                z[o + c] = p < Float.MIN_NORMAL ? 0f : p;
            }
        }
    }
}
