package dev.lockstep.bench;

import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.DenseKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * GFLOP/s of the three dense-layer products, per layer of a network and batch size, in this JVM: the quick
 * in-process figure for {@code lockstep bench}. The JMH benchmarks in {@code bench/} are the careful one. Every
 * shape is warmed up before any is measured, because training runs them all in one JVM and the JIT compiles them
 * with all of them seen (see the note in {@code nn.VectorKernels} on why that matters).
 */
public final class KernelBench {
    public static final String[] PRODUCTS = {"forward", "weight_gradient", "backpropagate"};

    /** One measured case: {@code in x out} layer, batch rows, product, and the measured rate. */
    public record Result(int in, int out, int batch, String product, double gflops) {
        public String layer() {
            return in + "x" + out;
        }
    }

    private KernelBench() {}

    public static String kernels() {
        return DenseKernels.description();
    }

    /** Dense random data (no zeros to skip), one thread, about {@code millisPerCase} of timing per case. */
    public static List<Result> measure(Architecture arch, int[] batches, int millisPerCase) {
        List<Case> cases = new ArrayList<>();
        for (int l = 0; l < arch.layerCount(); l++) {
            for (int n : batches) {
                for (int p = 0; p < PRODUCTS.length; p++) cases.add(new Case(arch.size(l), arch.size(l + 1), n, p));
            }
        }
        for (Case c : cases) c.time(millisPerCase / 4);
        List<Result> results = new ArrayList<>();
        for (Case c : cases) results.add(new Result(c.in, c.out, c.n, PRODUCTS[c.product], c.time(millisPerCase)));
        return results;
    }

    private static final class Case {
        final int in, out, n, product;
        final float[] x, weights, transposed, bias, dst, delta, grad, prev;

        Case(int in, int out, int n, int product) {
            this.in = in;
            this.out = out;
            this.n = n;
            this.product = product;
            SplittableRandom rng = new SplittableRandom(in * 31L + out * 7L + n);
            x = random(rng, n * in);
            weights = random(rng, in * out);
            transposed = new float[in * out];
            DenseKernels.transpose(weights, 0, out, in, transposed);
            bias = random(rng, out);
            dst = new float[n * out];
            delta = random(rng, n * out);
            grad = new float[in * out];
            prev = new float[n * in];
        }

        private static float[] random(SplittableRandom rng, int size) {
            float[] v = new float[size];
            for (int i = 0; i < size; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
            return v;
        }

        /** Runs the product for about {@code millis} and returns GFLOP/s (2 * n * in * out per call). */
        double time(int millis) {
            long budget = millis * 1_000_000L;
            long calls = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                for (int i = 0; i < 8; i++) run();
                calls += 8;
                elapsed = System.nanoTime() - start;
            } while (elapsed < budget);
            return 2.0 * n * in * out * calls / elapsed;
        }

        private void run() {
            switch (product) {
                case 0 -> DenseKernels.affine(x, n, in, transposed, bias, 0, out, dst);
                case 1 -> DenseKernels.accumulateWeightGradient(delta, x, n, in, out, grad, 0);
                default -> DenseKernels.backpropagate(delta, n, out, weights, 0, in, prev);
            }
        }
    }
}
