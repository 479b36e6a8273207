package dev.lockstep.nn;

/**
 * The plain-Java implementation of {@link Kernels}: the reference the vector kernels must match bit for bit, and
 * what runs on a JVM started without {@code --add-modules jdk.incubator.vector}.
 */
final class ScalarKernels extends Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override
    String description() {
        return "scalar";
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
        gemmColumns(m, 0, width, tCount, a, aBase, aRowStride, aTStride, b, bBase, bStride, c, cBase, cStride, floor);
    }

    /** Per thread: the terms a row block does (those it does not skip); grows, never shrinks. */
    private static final ThreadLocal<int[]> TERMS = ThreadLocal.withInitial(() -> new int[256]);

    /**
     * {@link Kernels#gemm} restricted to columns {@code [col0, col1)}; the vector kernels use it for their last
     * columns, and for all of a layer narrower than one vector (the 10 classes). Register-blocked like them: each
     * row block decides once which terms it skips, then runs them for two columns at a time with its 4 x 2
     * products in locals, not in {@code c} (a load and a store per multiply-add, the old way, ran 3x slower).
     */
    static void gemmColumns(
            int m,
            int col0,
            int col1,
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
        int[] idx = TERMS.get();
        if (idx.length < tCount) {
            idx = new int[tCount];
            TERMS.set(idx);
        }
        int full = m - m % BLOCK;
        for (int i = 0; i < m; ) {
            int rows = i < full ? BLOCK : 1;
            int first = aBase + i * aRowStride;
            int terms = 0;
            for (int t = 0; t < tCount; t++) {
                if (!allZero(a, first + t * aTStride, aRowStride, rows)) idx[terms++] = t;
            }
            for (int col = col0; col < col1; col += 2) {
                boolean pair = col + 1 < col1;
                if (rows == BLOCK) {
                    block4(
                            idx,
                            terms,
                            a,
                            first,
                            aRowStride,
                            aTStride,
                            b,
                            bBase + col,
                            bStride,
                            c,
                            cBase + i * cStride + col,
                            cStride,
                            pair,
                            floor);
                } else {
                    row1(
                            idx,
                            terms,
                            a,
                            first,
                            aTStride,
                            b,
                            bBase + col,
                            bStride,
                            c,
                            cBase + i * cStride + col,
                            pair,
                            floor);
                }
            }
            i += rows;
        }
    }

    /** Rows {@code 0..3} from {@code a0} times one column ({@code pair} false) or two from {@code b0}. */
    private static void block4(
            int[] idx,
            int terms,
            float[] a,
            int a0,
            int aRowStride,
            int aTStride,
            float[] b,
            int b0,
            int bStride,
            float[] c,
            int c0,
            int cStride,
            boolean pair,
            float floor) {
        int c1 = c0 + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        float s00 = c[c0], s10 = c[c1], s20 = c[c2], s30 = c[c3];
        if (pair) {
            float s01 = c[c0 + 1], s11 = c[c1 + 1], s21 = c[c2 + 1], s31 = c[c3 + 1];
            for (int q = 0; q < terms; q++) {
                int t = idx[q];
                int at = a0 + t * aTStride;
                float x0 = a[at], x1 = a[at + aRowStride], x2 = a[at + 2 * aRowStride], x3 = a[at + 3 * aRowStride];
                int bt = b0 + t * bStride;
                float w0 = b[bt], w1 = b[bt + 1];
                s00 = Math.fma(x0, w0, s00);
                s01 = Math.fma(x0, w1, s01);
                s10 = Math.fma(x1, w0, s10);
                s11 = Math.fma(x1, w1, s11);
                s20 = Math.fma(x2, w0, s20);
                s21 = Math.fma(x2, w1, s21);
                s30 = Math.fma(x3, w0, s30);
                s31 = Math.fma(x3, w1, s31);
            }
            c[c0 + 1] = Math.max(s01, floor);
            c[c1 + 1] = Math.max(s11, floor);
            c[c2 + 1] = Math.max(s21, floor);
            c[c3 + 1] = Math.max(s31, floor);
        } else {
            for (int q = 0; q < terms; q++) {
                int t = idx[q];
                int at = a0 + t * aTStride;
                float w0 = b[b0 + t * bStride];
                s00 = Math.fma(a[at], w0, s00);
                s10 = Math.fma(a[at + aRowStride], w0, s10);
                s20 = Math.fma(a[at + 2 * aRowStride], w0, s20);
                s30 = Math.fma(a[at + 3 * aRowStride], w0, s30);
            }
        }
        c[c0] = Math.max(s00, floor);
        c[c1] = Math.max(s10, floor);
        c[c2] = Math.max(s20, floor);
        c[c3] = Math.max(s30, floor);
    }

    /** One row (a block of one) from {@code a0} times one column or two from {@code b0}. */
    private static void row1(
            int[] idx,
            int terms,
            float[] a,
            int a0,
            int aTStride,
            float[] b,
            int b0,
            int bStride,
            float[] c,
            int c0,
            boolean pair,
            float floor) {
        float s0 = c[c0];
        float s1 = pair ? c[c0 + 1] : 0f;
        for (int q = 0; q < terms; q++) {
            int t = idx[q];
            float x = a[a0 + t * aTStride];
            int bt = b0 + t * bStride;
            s0 = Math.fma(x, b[bt], s0);
            if (pair) s1 = Math.fma(x, b[bt + 1], s1);
        }
        c[c0] = Math.max(s0, floor);
        if (pair) c[c0 + 1] = Math.max(s1, floor);
    }

    private static boolean allZero(float[] a, int from, int stride, int count) {
        for (int q = 0; q < count; q++) if (a[from + q * stride] != 0f) return false;
        return true;
    }
}
