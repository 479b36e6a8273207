package dev.lockstep.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the JDK's Vector API: register-blocked micro-kernels of 4 rows x up to 4 vectors of columns
 * (64 columns with 512-bit vectors), vectorised across the output columns in saxpy form, so that each output
 * element sees exactly the fused multiply-adds, in the order, that {@link ScalarKernels} performs. Loops run
 * column panel outermost, so one panel of {@code b} ({@code tCount} x 64 floats) is reused from cache by every
 * row block.
 *
 * <p>Loaded only by {@link DenseKernels} when the boot layer has {@code jdk.incubator.vector}; nothing else may
 * refer to this class, so a JVM without the module never links it. The micro-kernels below are written out
 * (one accumulator per local variable) so that C2 keeps them in registers.
 */
final class VectorKernels extends Kernels {
    /**
     * The preferred species, unless {@code -Dlockstep.vector.bits=256} (or 128, 512) asks for another; any gives the
     * same bits.
     */
    static final VectorSpecies<Float> S = species(Integer.getInteger("lockstep.vector.bits", 0));

    static final int V = S.length();
    // One species only. Code that also ran a narrower one (256- and 128-bit kernels for the last columns of the 10
    // classes) made C2 compile even the 512-bit kernels 10x slower once both had run: the Vector API's shared
    // methods saw more than one vector class in their type profiles. Such tails now run in scalar code.
    /** 4 x 4 vectors needs 16 accumulators plus 5 registers: only where there are 32 vector registers (AVX-512). */
    private static final boolean WIDE = V >= 16;

    VectorKernels() {}

    private static VectorSpecies<Float> species(int bits) {
        switch (bits) {
            case 128:
                return FloatVector.SPECIES_128;
            case 256:
                return FloatVector.SPECIES_256;
            case 512:
                return FloatVector.SPECIES_512;
            default:
                return FloatVector.SPECIES_PREFERRED;
        }
    }

    /** Per thread: the indices of the terms a micro-kernel does (those it does not skip); grows, never shrinks. */
    private static final ThreadLocal<int[]> TERMS = ThreadLocal.withInitial(() -> new int[256]);

    private static int[] terms(int tCount) {
        int[] idx = TERMS.get();
        if (idx.length < tCount) {
            idx = new int[tCount];
            TERMS.set(idx);
        }
        return idx;
    }

    @Override
    String description() {
        return "vector (" + S.vectorBitSize() + "-bit)";
    }

    @Override
    void gemm(
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
        int full = m - m % BLOCK;
        int[] idx = terms(tCount);
        int col = 0;
        if (WIDE) {
            for (; col + 4 * V <= width; col += 4 * V) {
                for (int i = 0; i < full; i += BLOCK)
                    k4x4(
                            i,
                            col,
                            tCount,
                            a,
                            aBase,
                            aRowStride,
                            aTStride,
                            b,
                            bBase,
                            bStride,
                            c,
                            cBase,
                            cStride,
                            idx,
                            floor);
                for (int i = full; i < m; i++) {
                    for (int v = 0; v < 4; v++)
                        k1x1(
                                i,
                                col + v * V,
                                tCount,
                                a,
                                aBase,
                                aRowStride,
                                aTStride,
                                b,
                                bBase,
                                bStride,
                                c,
                                cBase,
                                cStride,
                                idx,
                                floor);
                }
            }
        }
        for (; col + 2 * V <= width; col += 2 * V) {
            for (int i = 0; i < full; i += BLOCK)
                k4x2(i, col, tCount, a, aBase, aRowStride, aTStride, b, bBase, bStride, c, cBase, cStride, idx, floor);
            for (int i = full; i < m; i++) {
                for (int v = 0; v < 2; v++)
                    k1x1(
                            i,
                            col + v * V,
                            tCount,
                            a,
                            aBase,
                            aRowStride,
                            aTStride,
                            b,
                            bBase,
                            bStride,
                            c,
                            cBase,
                            cStride,
                            idx,
                            floor);
            }
        }
        for (; col + V <= width; col += V) {
            for (int i = 0; i < full; i += BLOCK)
                k4x1(i, col, tCount, a, aBase, aRowStride, aTStride, b, bBase, bStride, c, cBase, cStride, idx, floor);
            for (int i = full; i < m; i++)
                k1x1(i, col, tCount, a, aBase, aRowStride, aTStride, b, bBase, bStride, c, cBase, cStride, idx, floor);
        }
        if (col < width) {
            ScalarKernels.gemmColumns(
                    m, col, width, tCount, a, aBase, aRowStride, aTStride, b, bBase, bStride, c, cBase, cStride, floor);
        }
    }

    /** 4 row(s) x 4 vector(s) of columns starting at column {@code col} of rows {@code i..i+3}. */
    private static void k4x4(
            int i,
            int col,
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
            int[] idx,
            float floor) {
        FloatVector c00 = FloatVector.fromArray(S, c, cBase + (i + 0) * cStride + col);
        FloatVector c01 = FloatVector.fromArray(S, c, cBase + (i + 0) * cStride + col + 1 * V);
        FloatVector c02 = FloatVector.fromArray(S, c, cBase + (i + 0) * cStride + col + 2 * V);
        FloatVector c03 = FloatVector.fromArray(S, c, cBase + (i + 0) * cStride + col + 3 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, cBase + (i + 1) * cStride + col);
        FloatVector c11 = FloatVector.fromArray(S, c, cBase + (i + 1) * cStride + col + 1 * V);
        FloatVector c12 = FloatVector.fromArray(S, c, cBase + (i + 1) * cStride + col + 2 * V);
        FloatVector c13 = FloatVector.fromArray(S, c, cBase + (i + 1) * cStride + col + 3 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, cBase + (i + 2) * cStride + col);
        FloatVector c21 = FloatVector.fromArray(S, c, cBase + (i + 2) * cStride + col + 1 * V);
        FloatVector c22 = FloatVector.fromArray(S, c, cBase + (i + 2) * cStride + col + 2 * V);
        FloatVector c23 = FloatVector.fromArray(S, c, cBase + (i + 2) * cStride + col + 3 * V);
        FloatVector c30 = FloatVector.fromArray(S, c, cBase + (i + 3) * cStride + col);
        FloatVector c31 = FloatVector.fromArray(S, c, cBase + (i + 3) * cStride + col + 1 * V);
        FloatVector c32 = FloatVector.fromArray(S, c, cBase + (i + 3) * cStride + col + 2 * V);
        FloatVector c33 = FloatVector.fromArray(S, c, cBase + (i + 3) * cStride + col + 3 * V);
        int a0 = aBase + (i + 0) * aRowStride;
        int a1 = aBase + (i + 1) * aRowStride;
        int a2 = aBase + (i + 2) * aRowStride;
        int a3 = aBase + (i + 3) * aRowStride;
        // The terms to do, without a branch: a data-dependent branch in the loop below would make C2 box the vectors.
        int count = 0;
        for (int t = 0, at = 0; t < tCount; t++, at += aTStride) {
            idx[count] = t;
            count += (((Float.floatToRawIntBits(a[a0 + at])
                                            | Float.floatToRawIntBits(a[a1 + at])
                                            | Float.floatToRawIntBits(a[a2 + at])
                                            | Float.floatToRawIntBits(a[a3 + at]))
                                    << 1)
                            == 0)
                    ? 0
                    : 1; // all factors +-0: skipped, as ScalarKernels does
        }
        for (int q = 0; q < count; q++) {
            int t = idx[q];
            int at = t * aTStride;
            int bt = bBase + t * bStride + col;
            FloatVector b0 = FloatVector.fromArray(S, b, bt);
            FloatVector b1 = FloatVector.fromArray(S, b, bt + 1 * V);
            FloatVector b2 = FloatVector.fromArray(S, b, bt + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, b, bt + 3 * V);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + at]);
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            c02 = b2.fma(x0, c02);
            c03 = b3.fma(x0, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + at]);
            c10 = b0.fma(x1, c10);
            c11 = b1.fma(x1, c11);
            c12 = b2.fma(x1, c12);
            c13 = b3.fma(x1, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + at]);
            c20 = b0.fma(x2, c20);
            c21 = b1.fma(x2, c21);
            c22 = b2.fma(x2, c22);
            c23 = b3.fma(x2, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + at]);
            c30 = b0.fma(x3, c30);
            c31 = b1.fma(x3, c31);
            c32 = b2.fma(x3, c32);
            c33 = b3.fma(x3, c33);
        }
        int o0 = cBase + (i + 0) * cStride + col;
        c00.max(floor).intoArray(c, o0);
        c01.max(floor).intoArray(c, o0 + 1 * V);
        c02.max(floor).intoArray(c, o0 + 2 * V);
        c03.max(floor).intoArray(c, o0 + 3 * V);
        int o1 = cBase + (i + 1) * cStride + col;
        c10.max(floor).intoArray(c, o1);
        c11.max(floor).intoArray(c, o1 + 1 * V);
        c12.max(floor).intoArray(c, o1 + 2 * V);
        c13.max(floor).intoArray(c, o1 + 3 * V);
        int o2 = cBase + (i + 2) * cStride + col;
        c20.max(floor).intoArray(c, o2);
        c21.max(floor).intoArray(c, o2 + 1 * V);
        c22.max(floor).intoArray(c, o2 + 2 * V);
        c23.max(floor).intoArray(c, o2 + 3 * V);
        int o3 = cBase + (i + 3) * cStride + col;
        c30.max(floor).intoArray(c, o3);
        c31.max(floor).intoArray(c, o3 + 1 * V);
        c32.max(floor).intoArray(c, o3 + 2 * V);
        c33.max(floor).intoArray(c, o3 + 3 * V);
    }

    /** 4 row(s) x 2 vector(s) of columns starting at column {@code col} of rows {@code i..i+3}. */
    private static void k4x2(
            int i,
            int col,
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
            int[] idx,
            float floor) {
        FloatVector c00 = FloatVector.fromArray(S, c, cBase + (i + 0) * cStride + col);
        FloatVector c01 = FloatVector.fromArray(S, c, cBase + (i + 0) * cStride + col + 1 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, cBase + (i + 1) * cStride + col);
        FloatVector c11 = FloatVector.fromArray(S, c, cBase + (i + 1) * cStride + col + 1 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, cBase + (i + 2) * cStride + col);
        FloatVector c21 = FloatVector.fromArray(S, c, cBase + (i + 2) * cStride + col + 1 * V);
        FloatVector c30 = FloatVector.fromArray(S, c, cBase + (i + 3) * cStride + col);
        FloatVector c31 = FloatVector.fromArray(S, c, cBase + (i + 3) * cStride + col + 1 * V);
        int a0 = aBase + (i + 0) * aRowStride;
        int a1 = aBase + (i + 1) * aRowStride;
        int a2 = aBase + (i + 2) * aRowStride;
        int a3 = aBase + (i + 3) * aRowStride;
        // The terms to do, without a branch: a data-dependent branch in the loop below would make C2 box the vectors.
        int count = 0;
        for (int t = 0, at = 0; t < tCount; t++, at += aTStride) {
            idx[count] = t;
            count += (((Float.floatToRawIntBits(a[a0 + at])
                                            | Float.floatToRawIntBits(a[a1 + at])
                                            | Float.floatToRawIntBits(a[a2 + at])
                                            | Float.floatToRawIntBits(a[a3 + at]))
                                    << 1)
                            == 0)
                    ? 0
                    : 1; // all factors +-0: skipped, as ScalarKernels does
        }
        for (int q = 0; q < count; q++) {
            int t = idx[q];
            int at = t * aTStride;
            int bt = bBase + t * bStride + col;
            FloatVector b0 = FloatVector.fromArray(S, b, bt);
            FloatVector b1 = FloatVector.fromArray(S, b, bt + 1 * V);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + at]);
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + at]);
            c10 = b0.fma(x1, c10);
            c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + at]);
            c20 = b0.fma(x2, c20);
            c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + at]);
            c30 = b0.fma(x3, c30);
            c31 = b1.fma(x3, c31);
        }
        int o0 = cBase + (i + 0) * cStride + col;
        c00.max(floor).intoArray(c, o0);
        c01.max(floor).intoArray(c, o0 + 1 * V);
        int o1 = cBase + (i + 1) * cStride + col;
        c10.max(floor).intoArray(c, o1);
        c11.max(floor).intoArray(c, o1 + 1 * V);
        int o2 = cBase + (i + 2) * cStride + col;
        c20.max(floor).intoArray(c, o2);
        c21.max(floor).intoArray(c, o2 + 1 * V);
        int o3 = cBase + (i + 3) * cStride + col;
        c30.max(floor).intoArray(c, o3);
        c31.max(floor).intoArray(c, o3 + 1 * V);
    }

    /** 4 row(s) x 1 vector(s) of columns starting at column {@code col} of rows {@code i..i+3}. */
    private static void k4x1(
            int i,
            int col,
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
            int[] idx,
            float floor) {
        FloatVector c00 = FloatVector.fromArray(S, c, cBase + (i + 0) * cStride + col);
        FloatVector c10 = FloatVector.fromArray(S, c, cBase + (i + 1) * cStride + col);
        FloatVector c20 = FloatVector.fromArray(S, c, cBase + (i + 2) * cStride + col);
        FloatVector c30 = FloatVector.fromArray(S, c, cBase + (i + 3) * cStride + col);
        int a0 = aBase + (i + 0) * aRowStride;
        int a1 = aBase + (i + 1) * aRowStride;
        int a2 = aBase + (i + 2) * aRowStride;
        int a3 = aBase + (i + 3) * aRowStride;
        // The terms to do, without a branch: a data-dependent branch in the loop below would make C2 box the vectors.
        int count = 0;
        for (int t = 0, at = 0; t < tCount; t++, at += aTStride) {
            idx[count] = t;
            count += (((Float.floatToRawIntBits(a[a0 + at])
                                            | Float.floatToRawIntBits(a[a1 + at])
                                            | Float.floatToRawIntBits(a[a2 + at])
                                            | Float.floatToRawIntBits(a[a3 + at]))
                                    << 1)
                            == 0)
                    ? 0
                    : 1; // all factors +-0: skipped, as ScalarKernels does
        }
        for (int q = 0; q < count; q++) {
            int t = idx[q];
            int at = t * aTStride;
            int bt = bBase + t * bStride + col;
            FloatVector b0 = FloatVector.fromArray(S, b, bt);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + at]);
            c00 = b0.fma(x0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + at]);
            c10 = b0.fma(x1, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + at]);
            c20 = b0.fma(x2, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + at]);
            c30 = b0.fma(x3, c30);
        }
        int o0 = cBase + (i + 0) * cStride + col;
        c00.max(floor).intoArray(c, o0);
        int o1 = cBase + (i + 1) * cStride + col;
        c10.max(floor).intoArray(c, o1);
        int o2 = cBase + (i + 2) * cStride + col;
        c20.max(floor).intoArray(c, o2);
        int o3 = cBase + (i + 3) * cStride + col;
        c30.max(floor).intoArray(c, o3);
    }

    /** 1 row(s) x 1 vector(s) of columns starting at column {@code col} of rows {@code i..i+0}. */
    private static void k1x1(
            int i,
            int col,
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
            int[] idx,
            float floor) {
        FloatVector c00 = FloatVector.fromArray(S, c, cBase + (i + 0) * cStride + col);
        int a0 = aBase + (i + 0) * aRowStride;
        // The terms to do, without a branch: a data-dependent branch in the loop below would make C2 box the vectors.
        int count = 0;
        for (int t = 0, at = 0; t < tCount; t++, at += aTStride) {
            idx[count] = t;
            count += (((Float.floatToRawIntBits(a[a0 + at])) << 1) == 0)
                    ? 0
                    : 1; // all factors +-0: skipped, as ScalarKernels does
        }
        for (int q = 0; q < count; q++) {
            int t = idx[q];
            int at = t * aTStride;
            int bt = bBase + t * bStride + col;
            FloatVector b0 = FloatVector.fromArray(S, b, bt);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + at]);
            c00 = b0.fma(x0, c00);
        }
        int o0 = cBase + (i + 0) * cStride + col;
        c00.max(floor).intoArray(c, o0);
    }
}
