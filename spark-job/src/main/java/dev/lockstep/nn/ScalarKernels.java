package dev.lockstep.nn;

/**
 * The plain-Java implementation of {@link Kernels}: the reference the vector kernels must match bit for bit, and
 * what runs on a JVM started without {@code --add-modules jdk.incubator.vector}.
 */
final class ScalarKernels extends Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override String description() {
        return "scalar";
    }

    @Override void gemm(int m, int width, int tCount,
                        float[] a, int aBase, int aRowStride, int aTStride,
                        float[] b, int bBase, int bStride,
                        float[] c, int cBase, int cStride, float floor) {
        gemmColumns(m, 0, width, tCount, a, aBase, aRowStride, aTStride, b, bBase, bStride, c, cBase, cStride, floor);
    }

    /** {@link Kernels#gemm} restricted to columns {@code [col0, col1)}; the vector kernels use it for their last columns. */
    static void gemmColumns(int m, int col0, int col1, int tCount,
                            float[] a, int aBase, int aRowStride, int aTStride,
                            float[] b, int bBase, int bStride,
                            float[] c, int cBase, int cStride, float floor) {
        int full = m - m % BLOCK;
        for (int i = 0; i < m; i++) {
            int blockStart = i < full ? i - i % BLOCK : i;
            int blockRows = i < full ? BLOCK : 1;
            int firstOfBlock = aBase + blockStart * aRowStride;
            int ai = aBase + i * aRowStride;
            int ci = cBase + i * cStride;
            for (int t = 0; t < tCount; t++) {
                int at = t * aTStride;
                if (allZero(a, firstOfBlock + at, aRowStride, blockRows)) continue;
                float s = a[ai + at];
                int bt = bBase + t * bStride;
                for (int col = col0; col < col1; col++) c[ci + col] = Math.fma(s, b[bt + col], c[ci + col]);
            }
            for (int col = col0; col < col1; col++) c[ci + col] = Math.max(c[ci + col], floor);
        }
    }

    private static boolean allZero(float[] a, int from, int stride, int count) {
        for (int q = 0; q < count; q++) if (a[from + q * stride] != 0f) return false;
        return true;
    }
}
