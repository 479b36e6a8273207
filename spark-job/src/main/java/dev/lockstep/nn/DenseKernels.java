package dev.lockstep.nn;

/**
 * The dense-layer products on flat row-major arrays. Inner loops are unit-stride multiply-adds over
 * one row, a shape HotSpot's superword pass vectorises. Every sum runs in a fixed order, so results are
 * reproducible bit for bit.
 */
final class DenseKernels {
    private DenseKernels() {}

    /** dst[c * rows + r] = src[offset + r * cols + c]: a [rows][cols] block to [cols][rows]. */
    static void transpose(float[] src, int offset, int rows, int cols, float[] dst) {
        for (int r = 0; r < rows; r++) {
            int s = offset + r * cols;
            for (int c = 0; c < cols; c++) dst[c * rows + r] = src[s + c];
        }
    }

    /**
     * out[r][j] = bias[j] + sum_k x[r][k] * wT[k][j] for the first n rows. Zero inputs are skipped: most pixels of a
     * digit are background, and ReLU zeroes about half of each hidden layer.
     */
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

    /** grad[j][k] += sum_r delta[r][j] * x[r][k], rows summed in order. */
    static void accumulateWeightGradient(float[] delta, float[] x, int n, int in, int out, float[] grad, int weightOffset) {
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

    static void accumulateBiasGradient(float[] delta, int n, int out, float[] grad, int biasOffset) {
        for (int r = 0; r < n; r++) {
            int d = r * out;
            for (int j = 0; j < out; j++) grad[biasOffset + j] += delta[d + j];
        }
    }

    /** prev[r][k] = sum_j delta[r][j] * w[j][k]: the gradient flowing into the layer's inputs. */
    static void backpropagate(float[] delta, int n, int out, float[] params, int weightOffset, int in, float[] prev) {
        for (int r = 0; r < n; r++) {
            int p = r * in;
            java.util.Arrays.fill(prev, p, p + in, 0f);
            for (int j = 0; j < out; j++) {
                float d = delta[r * out + j];
                if (d == 0f) continue;
                int w = weightOffset + j * in;
                for (int k = 0; k < in; k++) prev[p + k] += d * params[w + k];
            }
        }
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
            for (int c = 0; c < classes; c++) z[o + c] *= inv;
        }
    }
}
