package dev.lockstep.nn;

/**
 * One matrix product shape that all three dense-layer products reduce to, with two implementations that give
 * the same bits: {@link ScalarKernels} (plain Java) and {@code VectorKernels} (the JDK's Vector API).
 *
 * <p>{@code gemm} updates, for every row {@code i} in {@code [0, m)} and column {@code col} in {@code [0, width)},
 * <pre>
 *   c[cBase + i*cStride + col] = fma(a(i, t), b[bBase + t*bStride + col], c[...])
 *       for t = 0, 1, ..., tCount-1 in order
 * </pre>
 * where {@code a(i, t) = a[aBase + i*aRowStride + t*aTStride]}, starting from the value {@code c} holds. Every
 * element therefore sees the same fused multiply-adds in the same order whichever implementation runs and however
 * it blocks its loops: that is the contract that keeps a model bit-identical on executors with and without the
 * Vector API.
 *
 * <p>Zero skipping (most pixels are background, ReLU zeroes about half of each hidden layer): rows are grouped in
 * blocks of {@link #BLOCK}, {@code [0,4), [4,8), ...}, and the last {@code m % BLOCK} rows are blocks of one; the
 * term {@code t} is skipped for every row of a block whose factors {@code a(i, t)} are all +-0. Both
 * implementations make exactly these decisions. (With finite {@code b}, skipping is also exact arithmetic unless
 * an accumulator is -0.)
 */
abstract class Kernels {
    /** Rows per zero-skipping block, and the row height of the vector micro-kernels. */
    static final int BLOCK = 4;

    abstract String description();

    /**
     * The product as above, after which every element of c is raised to at least {@code floor}
     * ({@code Math.max(c, floor)}): {@code 0} fuses ReLU into the store, {@code -Infinity} leaves c as it is.
     */
    abstract void gemm(
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
            float floor);
}
