package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels against the scalar ones, bit for bit ({@code floatToRawIntBits}): the product invariant that an
 * executor computes the same model whether or not its JVM has {@code jdk.incubator.vector}. Surefire adds the module,
 * so {@link DenseKernels#vector()} must be there; the scalar kernels are called explicitly.
 */
class KernelsTest {
    private static final int[] WIDTHS = {1, 3, 10, 17, 785};
    private static final int[] BATCHES = {1, 7, 64, 129};

    private static Kernels vector() {
        Kernels v = DenseKernels.vector();
        assertNotNull(v, "surefire runs with --add-modules jdk.incubator.vector, so the vector kernels must load");
        return v;
    }

    @Test
    void surefireExercisesTheVectorPathByDefault() {
        assertTrue(ModuleLayer.boot().findModule(DenseKernels.VECTOR_MODULE).isPresent());
        assertEquals(vector(), DenseKernels.current());
        assertTrue(DenseKernels.description().startsWith("vector"), DenseKernels.description());
    }

    @Test
    void allThreeProductsAreBitIdenticalOnAwkwardShapes() {
        SplittableRandom rng = new SplittableRandom(42);
        int cases = 0;
        for (int in : WIDTHS)
            for (int out : WIDTHS)
                for (int n : BATCHES) {
                    compareProducts(rng, n, in, out);
                    cases++;
                }
        for (int[] shape : new int[][] {{784, 256}, {256, 128}, {128, 10}, {64, 48}, {63, 65}, {16, 16}, {2, 31}}) {
            for (int n : new int[] {1, 4, 5, 32, 128, 131}) {
                compareProducts(rng, n, shape[0], shape[1]);
                cases++;
            }
        }
        assertTrue(cases > 100);
    }

    /** The three products of one layer with both kernels, on inputs with +0, -0, whole zero rows and zero columns. */
    private static void compareProducts(SplittableRandom rng, int n, int in, int out) {
        String shape = "n=" + n + " in=" + in + " out=" + out;
        int prefix = 5; // parameters do not start at 0 in a real network
        float[] params = random(rng, prefix + out * in + out, 0.0);
        int weightOffset = prefix, biasOffset = prefix + out * in;
        float[] wT = new float[in * out];
        DenseKernels.transpose(params, weightOffset, out, in, wT);
        float[] x = random(rng, n * in, 0.4);
        float[] delta = random(rng, n * out, 0.5);
        if (n > 2) {
            Arrays.fill(x, in, 2 * in, 0f); // a whole zero row
            Arrays.fill(delta, 0, out, -0f); // a whole -0 row
        }
        for (int r = 0; r < n; r++) x[r * in] = 0f; // a zero column: the skip applies to whole blocks

        float[] ys = new float[n * out], yv = new float[n * out];
        DenseKernels.affine(ScalarKernels.INSTANCE, x, n, in, wT, params, biasOffset, out, ys);
        DenseKernels.affine(vector(), x, n, in, wT, params, biasOffset, out, yv);
        assertBits(ys, yv, "affine " + shape);
        assertClose(referenceAffine(x, n, in, params, weightOffset, biasOffset, out), ys, "affine vs double " + shape);

        // Fused ReLU: the same bits from both kernels, and the same as a separate ReLU pass over the plain product.
        float[] rs = new float[n * out], rv = new float[n * out];
        DenseKernels.affine(ScalarKernels.INSTANCE, x, n, in, wT, params, biasOffset, out, rs, true);
        DenseKernels.affine(vector(), x, n, in, wT, params, biasOffset, out, rv, true);
        assertBits(rs, rv, "affine + relu " + shape);
        float[] separate = ys.clone();
        Activation.RELU.apply(separate, 0, separate.length);
        assertBits(separate, rs, "fused relu vs separate " + shape);
        for (float v : rs)
            assertTrue(v >= 0f && Float.floatToRawIntBits(v) != Float.floatToRawIntBits(-0f), "relu output " + v);

        float[] gs = random(rng, params.length, 0.1), gv = gs.clone(); // the gradient accumulates onto what is there
        DenseKernels.accumulateWeightGradient(ScalarKernels.INSTANCE, delta, x, n, in, out, gs, weightOffset);
        DenseKernels.accumulateWeightGradient(vector(), delta, x, n, in, out, gv, weightOffset);
        assertBits(gs, gv, "weight gradient " + shape);

        float[] ps = random(rng, n * in, 0), pv = random(rng, n * in, 0); // stale contents must not matter
        DenseKernels.backpropagate(ScalarKernels.INSTANCE, delta, n, out, params, weightOffset, in, ps);
        DenseKernels.backpropagate(vector(), delta, n, out, params, weightOffset, in, pv);
        assertBits(ps, pv, "backpropagate " + shape);
    }

    /**
     * Both kernels against {@link Kernels}' contract written out literally (element by element, every term in
     * order, the block skip rule), so an optimisation of the scalar kernels cannot drift with the vector ones.
     */
    @Test
    void bothKernelsFollowTheContractLiterally() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int m : new int[] {1, 3, 4, 5, 8, 13})
            for (int width : new int[] {1, 2, 3, 10, 17, 33, 70})
                for (int tCount : new int[] {1, 6, 40}) {
                    for (boolean rowMajor : new boolean[] {true, false}) {
                        int aRowStride = rowMajor ? tCount : 1, aTStride = rowMajor ? 1 : m;
                        float[] a = random(rng, m * tCount, 0.5);
                        if (m > 4)
                            for (int t = 0; t < tCount; t++)
                                a[t * aTStride] = -0f; // row 0 all -0: its block skips only where all four are zero
                        for (int i = 0; i < m; i++)
                            a[i * aRowStride] = 0f; // term 0 zero for every row: skipped by every block
                        float[] b = random(rng, 3 + tCount * (width + 2), 0.1);
                        for (float floor : new float[] {Float.NEGATIVE_INFINITY, 0f}) {
                            float[] start = random(rng, 2 + m * (width + 1), 0.2);
                            start[2] = -0f;
                            float[] want = start.clone(), scalar = start.clone(), vec = start.clone();
                            literalGemm(
                                    m,
                                    width,
                                    tCount,
                                    a,
                                    0,
                                    aRowStride,
                                    aTStride,
                                    b,
                                    3,
                                    width + 2,
                                    want,
                                    2,
                                    width + 1,
                                    floor);
                            ScalarKernels.INSTANCE.gemm(
                                    m,
                                    width,
                                    tCount,
                                    a,
                                    0,
                                    aRowStride,
                                    aTStride,
                                    b,
                                    3,
                                    width + 2,
                                    scalar,
                                    2,
                                    width + 1,
                                    floor);
                            vector().gemm(
                                            m,
                                            width,
                                            tCount,
                                            a,
                                            0,
                                            aRowStride,
                                            aTStride,
                                            b,
                                            3,
                                            width + 2,
                                            vec,
                                            2,
                                            width + 1,
                                            floor);
                            String shape = "m=" + m + " width=" + width + " t=" + tCount + " rowMajor=" + rowMajor
                                    + " floor=" + floor;
                            assertBits(want, scalar, "scalar " + shape);
                            assertBits(want, vec, "vector " + shape);
                        }
                    }
                }
    }

    /** {@link Kernels#gemm}'s contract, transcribed: no blocking, no registers, nothing clever. */
    private static void literalGemm(
            int m,
            int width,
            int tCount,
            float[] a,
            int aBase,
            int aRowStride,
            int aTStride,
            float[] b,
            int bBase,
            int bStride,
            float[] c,
            int cBase,
            int cStride,
            float floor) {
        int full = m - m % Kernels.BLOCK;
        for (int i = 0; i < m; i++) {
            int blockStart = i < full ? i - i % Kernels.BLOCK : i;
            int blockRows = i < full ? Kernels.BLOCK : 1;
            for (int col = 0; col < width; col++) {
                int ci = cBase + i * cStride + col;
                for (int t = 0; t < tCount; t++) {
                    boolean allZero = true;
                    for (int q = 0; q < blockRows; q++)
                        allZero &= a[aBase + (blockStart + q) * aRowStride + t * aTStride] == 0f;
                    if (!allZero)
                        c[ci] = Math.fma(a[aBase + i * aRowStride + t * aTStride], b[bBase + t * bStride + col], c[ci]);
                }
                c[ci] = Math.max(c[ci], floor);
            }
        }
    }

    /** Whole networks: the loss and every gradient bit, scalar kernels against vector ones, for each activation. */
    @Test
    void mlpGradientsAreBitIdenticalWithEitherKernels() {
        for (Activation act : Activation.values()) {
            for (int[] sizes : new int[][] {{784, 256, 128, 10}, {17, 3, 785, 10}, {1, 10, 2}}) {
                Architecture arch = new Architecture(sizes, act);
                for (int n : new int[] {1, 7, 64, 129}) {
                    long[] v = gradientBits(arch, n, DenseKernels.vector());
                    long[] s = gradientBits(arch, n, ScalarKernels.INSTANCE);
                    assertEquals(s.length, v.length);
                    for (int i = 0; i < s.length; i++) {
                        assertEquals(s[i], v[i], act + " " + arch.layersString() + " n=" + n + " value " + i);
                    }
                }
            }
        }
    }

    /** The loss's bits, then every gradient and output-probability bit, computed with the given kernels. */
    static long[] gradientBits(Architecture arch, int n, Kernels kernels) {
        Kernels previous = DenseKernels.use(kernels);
        try {
            SplittableRandom rng = new SplittableRandom(3);
            float[] params = Initializer.initialize(arch, 5);
            for (int i = 0; i < params.length; i++) params[i] += (float) (0.05 * rng.nextDouble(-1, 1));
            Mlp mlp = new Mlp(arch, n);
            mlp.setParameters(params);
            float[] x = mlp.input();
            for (int i = 0; i < n * arch.inputSize(); i++) x[i] = rng.nextInt(3) == 0 ? 0f : (float) rng.nextDouble();
            int[] labels = new int[n];
            for (int r = 0; r < n; r++) labels[r] = rng.nextInt(arch.outputSize());
            float[] grad = new float[arch.parameterCount()];
            double loss = mlp.accumulateGradient(n, labels, grad);
            mlp.accumulateGradient(n, labels, grad); // accumulates onto the first
            float[] probs = mlp.forward(n);
            long[] bits = new long[1 + grad.length + n * arch.outputSize()];
            bits[0] = Double.doubleToRawLongBits(loss);
            for (int i = 0; i < grad.length; i++) bits[1 + i] = Float.floatToRawIntBits(grad[i]);
            for (int i = 0; i < n * arch.outputSize(); i++)
                bits[1 + grad.length + i] = Float.floatToRawIntBits(probs[i]);
            return bits;
        } finally {
            DenseKernels.use(previous);
        }
    }

    /**
     * A JVM started without the module (what an executor without the flag is) picks the scalar kernels, never links
     * the vector class, and computes the same gradient bits as this JVM's vector kernels; so do JVMs whose vector
     * kernels use 256- and 128-bit vectors (AVX2 and older hardware: other micro-kernel shapes, same operations).
     */
    @Test
    void otherJvmsComputeTheSameBits() throws Exception {
        String expected = "fingerprint " + KernelFingerprint.fingerprint(DenseKernels.vector());
        List<String> plain = runFingerprint();
        assertTrue(
                plain.stream()
                        .noneMatch(
                                l -> l.contains("dev.lockstep.nn.VectorKernels") || l.contains("jdk.incubator.vector")),
                "the vector classes must not be loaded without the module");
        assertTrue(plain.contains("kernels scalar"), String.join("\n", plain));
        assertTrue(plain.contains(expected), expected + " not in:\n" + String.join("\n", plain));
        for (String bits : new String[] {"256", "128"}) {
            List<String> lines =
                    runFingerprint("--add-modules=" + DenseKernels.VECTOR_MODULE, "-Dlockstep.vector.bits=" + bits);
            assertTrue(lines.contains("kernels vector (" + bits + "-bit)"), String.join("\n", lines));
            assertTrue(lines.contains(expected), expected + " not in:\n" + String.join("\n", lines));
        }
    }

    private static List<String> runFingerprint(String... jvmOptions) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java, "-verbose:class"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelFingerprint.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        return lines;
    }

    private static float[] random(SplittableRandom rng, int length, double zeros) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            double u = rng.nextDouble();
            a[i] = u < zeros / 2 ? 0f : u < zeros ? -0f : (float) rng.nextDouble(-1, 1);
        }
        return a;
    }

    private static double[] referenceAffine(float[] x, int n, int in, float[] p, int wo, int bo, int out) {
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < out; j++) {
                double s = p[bo + j];
                for (int k = 0; k < in; k++) s += (double) x[r * in + k] * p[wo + j * in + k];
                y[r * out + j] = s;
            }
        return y;
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.abs(expected[i])),
                    what + " at " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " scalar " + expected[i] + " vector " + actual[i]);
            }
        }
    }
}
