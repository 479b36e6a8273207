package dev.lockstep.nn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The shape of a multi-layer perceptron and the layout of its parameters in one flat {@code float[]}.
 *
 * <p>Layer {@code l} (0-based, mapping {@code sizes[l]} inputs to {@code sizes[l+1]} outputs) stores its weights
 * row-major as {@code [out][in]} at {@link #weightOffset(int)}, followed by its {@code out} biases at
 * {@link #biasOffset(int)}. Hidden layers use {@link #hidden()}; the last layer is a softmax.
 */
public final class Architecture implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Larger layers than this are almost certainly a typo, and would overflow the flat int-indexed vector. */
    static final int MAX_LAYER_SIZE = 1 << 16;

    private final int[] sizes;
    private final Activation hidden;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int parameterCount;

    public Architecture(int[] sizes, Activation hidden) {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("layers need at least an input and an output size, e.g. 784,128,10");
        }
        if (hidden == null) throw new IllegalArgumentException("hidden activation is required");
        for (int s : sizes) {
            if (s < 1 || s > MAX_LAYER_SIZE) {
                throw new IllegalArgumentException("layer size " + s + " is out of range 1.." + MAX_LAYER_SIZE);
            }
        }
        if (sizes[sizes.length - 1] < 2) {
            throw new IllegalArgumentException(
                    "the output layer needs at least 2 classes, got " + sizes[sizes.length - 1]);
        }
        this.sizes = sizes.clone();
        this.hidden = hidden;
        int layers = sizes.length - 1;
        this.weightOffsets = new int[layers];
        this.biasOffsets = new int[layers];
        long offset = 0;
        for (int l = 0; l < layers; l++) {
            weightOffsets[l] = (int) offset;
            offset += (long) sizes[l] * sizes[l + 1];
            biasOffsets[l] = (int) offset;
            offset += sizes[l + 1];
            if (offset > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("model too large: more than 2^31 parameters");
            }
        }
        this.parameterCount = (int) offset;
    }

    /** Parses "784,256,128,10". */
    public static Architecture parse(String layers, Activation hidden) {
        String[] parts = layers.split(",");
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad layer size '" + parts[i].trim() + "' in '" + layers + "'");
            }
        }
        return new Architecture(sizes, hidden);
    }

    public int layerCount() {
        return sizes.length - 1;
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    public int size(int i) {
        return sizes[i];
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public Activation hidden() {
        return hidden;
    }

    public int parameterCount() {
        return parameterCount;
    }

    public int weightOffset(int layer) {
        return weightOffsets[layer];
    }

    public int biasOffset(int layer) {
        return biasOffsets[layer];
    }

    public int maxWidth() {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    /** [from, to) ranges of every weight matrix, the parameters that L2 weight decay applies to (biases excluded). */
    public int[][] weightRanges() {
        int[][] r = new int[layerCount()][];
        for (int l = 0; l < layerCount(); l++) r[l] = new int[] {weightOffsets[l], biasOffsets[l]};
        return r;
    }

    public String layersString() {
        StringJoiner j = new StringJoiner(",");
        for (int s : sizes) j.add(Integer.toString(s));
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && Arrays.equals(sizes, a.sizes) && hidden == a.hidden;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sizes) + hidden.hashCode();
    }

    @Override
    public String toString() {
        return layersString() + " " + hidden.displayName() + "/softmax";
    }
}
