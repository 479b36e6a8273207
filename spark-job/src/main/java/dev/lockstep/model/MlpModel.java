package dev.lockstep.model;

import dev.lockstep.LockstepException;
import dev.lockstep.nn.Architecture;
import java.util.Arrays;
import java.util.Objects;

/**
 * A trained multi-layer perceptron: its shape, its flat parameter vector (layout defined by {@link Architecture}),
 * the input scaling it was trained with and what its input is: unsigned bytes or floats, and an image
 * (height x width pixels, row-major) or not. Immutable: the parameters are copied in and out.
 */
public final class MlpModel {
    private final Architecture architecture;
    private final float[] parameters;
    private final InputScaling scaling;
    private final boolean byteInput;
    private final int height; // 0: not an image
    private final int width; // the input size when not an image

    /**
     * A model whose input is described explicitly: {@code byteInput} when it was trained on raw values 0-255; an
     * image of {@code height x width} (= input size) pixels when {@code height > 1}, else (height 0 or 1) a row of
     * features that is not a picture.
     */
    public MlpModel(
            Architecture architecture,
            float[] parameters,
            InputScaling scaling,
            boolean byteInput,
            int height,
            int width) {
        this(
                architecture,
                scaling,
                byteInput,
                height,
                width,
                Objects.requireNonNull(parameters, "parameters").clone());
    }

    /**
     * A model of byte input (as every model before format version 2 was): an image when its input size is a
     * perfect square (28x28 for MNIST).
     */
    public MlpModel(Architecture architecture, float[] parameters, InputScaling scaling) {
        this(
                architecture,
                scaling,
                true,
                -1,
                -1,
                Objects.requireNonNull(parameters, "parameters").clone());
    }

    /** A model with the default {@link InputScaling#UNIT} scaling. */
    public MlpModel(Architecture architecture, float[] parameters) {
        this(architecture, parameters, InputScaling.UNIT);
    }

    /** Adopts {@code owned} (already a private copy) and validates it. */
    private MlpModel(
            Architecture architecture, InputScaling scaling, boolean byteInput, int height, int width, float[] owned) {
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        this.byteInput = byteInput;
        int inputs = architecture.inputSize();
        if (height < 0) { // inferred, as for a version 1 file
            int side = squareSide(inputs);
            height = side > 1 ? side : 0;
            width = side > 1 ? side : inputs;
        } else if (height <= 1) {
            height = 0;
            width = inputs;
        } else if ((long) height * width != inputs) {
            throw new LockstepException(
                    "an image of " + height + "x" + width + " pixels does not match the model's " + inputs + " inputs");
        }
        this.height = height;
        this.width = width;
        if (!scaling.isUniform() && scaling.features() != inputs) {
            throw new LockstepException(
                    "input scaling covers " + scaling.features() + " features, the model takes " + inputs);
        }
        if (owned.length != architecture.parameterCount()) {
            throw new LockstepException("model " + architecture.layersString() + " needs "
                    + architecture.parameterCount() + " parameters, got " + owned.length);
        }
        for (int i = 0; i < owned.length; i++) {
            if (!Float.isFinite(owned[i])) {
                throw new LockstepException("model has a non-finite parameter at index " + i);
            }
        }
        this.parameters = owned;
    }

    /** Takes ownership of {@code owned} without copying: the reader uses it so a large model is not held twice. */
    static MlpModel adopt(Architecture architecture, float[] owned, InputScaling scaling) {
        return new MlpModel(architecture, scaling, true, -1, -1, owned);
    }

    /** The same, with the input described explicitly (format version 2). */
    static MlpModel adopt(
            Architecture architecture, float[] owned, InputScaling scaling, boolean byteInput, int height, int width) {
        return new MlpModel(architecture, scaling, byteInput, height, width, owned);
    }

    /** The side of a square of {@code n} pixels, or 0 when {@code n} is not a perfect square. */
    private static int squareSide(int n) {
        int side = (int) Math.round(Math.sqrt(n));
        return side * side == n ? side : 0;
    }

    public Architecture architecture() {
        return architecture;
    }

    /** A copy of the flat parameter vector. */
    public float[] parameters() {
        return parameters.clone();
    }

    /** The live parameter array, for writers in this package; must never be modified. */
    float[] parametersView() {
        return parameters;
    }

    public InputScaling scaling() {
        return scaling;
    }

    /** True when the model was trained on raw values 0-255 (pixels), false for float features. */
    public boolean byteInput() {
        return byteInput;
    }

    /** True when the input is a picture of {@link #height()} x {@link #width()} pixels. */
    public boolean isImage() {
        return height > 0;
    }

    /** Pixel rows of an image input; 0 when the input is not an image. */
    public int height() {
        return height;
    }

    /** Pixel columns of an image input; the input size when it is not an image. */
    public int width() {
        return width;
    }

    /** Equal when architecture, scaling, input and every parameter bit pattern match (so 0.0 and -0.0 differ). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MlpModel m)) return false;
        if (!architecture.equals(m.architecture) || !scaling.equals(m.scaling)) return false;
        if (byteInput != m.byteInput || height != m.height || width != m.width) return false;
        for (int i = 0; i < parameters.length; i++) {
            if (Float.floatToRawIntBits(parameters[i]) != Float.floatToRawIntBits(m.parameters[i])) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(architecture, scaling) * 31 + Arrays.hashCode(parameters);
    }

    @Override
    public String toString() {
        String input = (byteInput ? "byte" : "float") + (isImage() ? " " + height + "x" + width + " image" : " input");
        return "MlpModel[" + architecture + ", " + parameters.length + " parameters, " + input + ", scaling " + scaling
                + "]";
    }
}
