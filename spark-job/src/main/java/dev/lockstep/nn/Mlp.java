package dev.lockstep.nn;

/**
 * Forward and backward passes of a multi-layer perceptron over a batch of examples, on plain arrays.
 *
 * <p>Holds every buffer a pass needs, sized once for {@code maxBatch} rows and reused across calls, so the hot
 * loop allocates nothing. Not thread-safe: one instance per thread. Typical use: {@link #setParameters},
 * fill {@link #input()} with {@code n} scaled rows (row-major, {@code inputSize} floats each), then
 * {@link #accumulateGradient} or {@link #forward}.
 *
 * <p>Activations are kept batch-major ({@code [row][unit]}) and weights are transposed once per
 * {@code setParameters} to {@code [in][out]}, so that all three products (forward, weight gradient, input
 * gradient) run as unit-stride multiply-adds that the JIT vectorises.
 */
public final class Mlp {
    private final Architecture arch;
    private final int maxBatch;
    private final float[][] activations; // [layer][row * size(layer) + unit]; activations[0] is the input
    private final float[][] deltas; // dLoss/dPreActivation of layer l+1's units, same shape as activations[l+1]
    private final float[][] transposed; // weights of layer l as [in][out]
    private float[] params;
    private float[] inputDelta; // dOutput/dInput of row 0, allocated on first use: training never needs it
    private int lastCorrect;

    public Mlp(Architecture arch, int maxBatch) {
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be positive");
        this.arch = arch;
        this.maxBatch = maxBatch;
        int layers = arch.layerCount();
        this.activations = new float[layers + 1][];
        this.deltas = new float[layers][];
        this.transposed = new float[layers][];
        for (int l = 0; l <= layers; l++) activations[l] = new float[maxBatch * arch.size(l)];
        for (int l = 0; l < layers; l++) {
            deltas[l] = new float[maxBatch * arch.size(l + 1)];
            transposed[l] = new float[arch.size(l) * arch.size(l + 1)];
        }
    }

    public Architecture architecture() {
        return arch;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /**
     * Uses these parameters for the following passes; the array is read, never written, and must not change meanwhile.
     */
    public void setParameters(float[] parameters) {
        if (parameters.length != arch.parameterCount()) {
            throw new IllegalArgumentException(
                    "expected " + arch.parameterCount() + " parameters, got " + parameters.length);
        }
        this.params = parameters;
        for (int l = 0; l < arch.layerCount(); l++) {
            DenseKernels.transpose(parameters, arch.weightOffset(l), arch.size(l + 1), arch.size(l), transposed[l]);
        }
    }

    /** The input buffer to fill: row r's features at {@code [r * inputSize, (r + 1) * inputSize)}. */
    public float[] input() {
        return activations[0];
    }

    /**
     * Runs the forward pass on the first {@code n} input rows; returns the softmax output buffer ({@code
     * [row][class]}).
     */
    public float[] forward(int n) {
        logits(n);
        DenseKernels.softmaxRows(activations[arch.layerCount()], n, arch.outputSize());
        return activations[arch.layerCount()];
    }

    /**
     * Runs the forward pass on the first {@code n} input rows up to the output layer's pre-softmax values; returns
     * that buffer ({@code [row][class]}), which the next pass overwrites.
     */
    public float[] logits(int n) {
        checkReady(n);
        int layers = arch.layerCount();
        for (int l = 0; l < layers; l++) {
            int in = arch.size(l), out = arch.size(l + 1);
            boolean hidden = l < layers - 1;
            boolean fusedRelu = hidden && arch.hidden() == Activation.RELU;
            DenseKernels.affine(
                    activations[l],
                    n,
                    in,
                    transposed[l],
                    params,
                    arch.biasOffset(l),
                    out,
                    activations[l + 1],
                    fusedRelu);
            if (hidden && !fusedRelu) arch.hidden().apply(activations[l + 1], 0, n * out);
        }
        return activations[layers];
    }

    /**
     * Adds the gradient of the summed cross-entropy over the first {@code n} input rows to {@code gradient}
     * (not averaged: partial sums from many partitions are combined, then divided once by the batch size).
     *
     * @return the summed cross-entropy loss of those rows
     */
    public double accumulateGradient(int n, int[] labels, float[] gradient) {
        float[] probs = forward(n);
        int layers = arch.layerCount();
        int classes = arch.outputSize();
        double loss = 0;
        int correct = 0;
        float[] top = deltas[layers - 1];
        for (int r = 0; r < n; r++) {
            int y = labels[r];
            int row = r * classes;
            loss += crossEntropy(probs[row + y]);
            if (argmax(probs, row, classes) == y) correct++; // reads the probabilities, changes nothing
            for (int c = 0; c < classes; c++) top[row + c] = probs[row + c];
            top[row + y] -= 1f;
        }
        for (int l = layers - 1; l >= 0; l--) {
            int in = arch.size(l), out = arch.size(l + 1);
            DenseKernels.accumulateWeightGradient(
                    deltas[l], activations[l], n, in, out, gradient, arch.weightOffset(l));
            DenseKernels.accumulateBiasGradient(deltas[l], n, out, gradient, arch.biasOffset(l));
            if (l > 0) {
                // The input layer's gradient is never needed, which saves a third of the first layer's backward work.
                DenseKernels.backpropagate(deltas[l], n, out, params, arch.weightOffset(l), in, deltas[l - 1]);
                multiplyByDerivative(deltas[l - 1], activations[l], n * in);
            }
        }
        lastCorrect = correct;
        return loss;
    }

    /**
     * How many of the rows of the last {@link #accumulateGradient} call were predicted right (by the probabilities
     * that pass computed, before any update): training accuracy at no extra pass.
     */
    public int lastCorrect() {
        return lastCorrect;
    }

    /**
     * The gradient of {@code log p(target)} with respect to the (scaled) input of row 0, into {@code out}
     * ({@code inputSize} floats), with row 0 of {@link #input()} filled. For inspecting a trained network (what
     * input it finds most like a class); it overwrites the pass buffers, so use its own instance, not a training one.
     *
     * @return {@code log p(target)} at that input
     */
    public double inputGradient(int target, float[] out) {
        int classes = arch.outputSize();
        if (target < 0 || target >= classes)
            throw new IllegalArgumentException("class " + target + " is not in 0.." + (classes - 1));
        if (out.length != arch.inputSize())
            throw new IllegalArgumentException("expected room for " + arch.inputSize() + " floats");
        float[] probs = forward(1);
        int layers = arch.layerCount();
        float[] top = deltas[layers - 1];
        // d log p_t / d z_c = [c == t] - p_c
        for (int c = 0; c < classes; c++) top[c] = -probs[c];
        top[target] += 1f;
        double logP = -crossEntropy(probs[target]);
        if (inputDelta == null) inputDelta = new float[arch.inputSize()];
        for (int l = layers - 1; l >= 0; l--) {
            int in = arch.size(l), units = arch.size(l + 1);
            float[] prev = l > 0 ? deltas[l - 1] : inputDelta;
            DenseKernels.backpropagate(deltas[l], 1, units, params, arch.weightOffset(l), in, prev);
            if (l > 0) multiplyByDerivative(prev, activations[l], in);
        }
        System.arraycopy(inputDelta, 0, out, 0, out.length);
        return logP;
    }

    /**
     * Forward pass plus scoring against labels: adds each row's (label, predicted) pair to {@code confusion}
     * ({@code [label * classes + predicted]}) and returns the summed cross-entropy.
     */
    public double score(int n, int[] labels, long[] confusion) {
        float[] probs = forward(n);
        int classes = arch.outputSize();
        double loss = 0;
        for (int r = 0; r < n; r++) {
            int row = r * classes;
            int y = labels[r];
            loss += crossEntropy(probs[row + y]);
            confusion[y * classes + argmax(probs, row, classes)]++;
        }
        return loss;
    }

    static int argmax(float[] v, int from, int length) {
        int best = 0;
        for (int c = 1; c < length; c++) if (v[from + c] > v[from + best]) best = c;
        return best;
    }

    /** -log(p), with p floored so that a confidently wrong prediction costs a large finite loss, not infinity. */
    private static double crossEntropy(float p) {
        return -StrictMath.log(Math.max(p, 1e-30f));
    }

    private void multiplyByDerivative(float[] delta, float[] output, int length) {
        Activation act = arch.hidden();
        if (act == Activation.RELU) {
            // delta stays where the output is > 0 and becomes +0 where it is +0 (ReLU outputs nothing else but NaN,
            // and a NaN loss stops the run): a bit mask from the output's sign, as the branch on a coin-flip
            // condition mispredicted half the time (3x slower, measured).
            for (int i = 0; i < length; i++) {
                int keep = -Float.floatToRawIntBits(output[i]) >> 31; // all ones for bits > 0, zero for +0
                delta[i] = Float.intBitsToFloat(Float.floatToRawIntBits(delta[i]) & keep);
            }
        } else {
            for (int i = 0; i < length; i++) delta[i] *= act.derivativeFromOutput(output[i]);
        }
    }

    private void checkReady(int n) {
        if (params == null) throw new IllegalStateException("setParameters has not been called");
        if (n < 0 || n > maxBatch)
            throw new IllegalArgumentException("batch of " + n + " rows exceeds capacity " + maxBatch);
    }
}
