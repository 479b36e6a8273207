package dev.lockstep.model;

import dev.lockstep.LockstepException;
import dev.lockstep.nn.Architecture;
import java.util.Arrays;
import java.util.Objects;

/**
 * A trained multi-layer perceptron: its shape, its flat parameter vector (layout defined by {@link Architecture})
 * and the input scaling it was trained with. Immutable: the parameters are copied in and out.
 */
public final class MlpModel {
    private final Architecture architecture;
    private final float[] parameters;
    private final InputScaling scaling;

    public MlpModel(Architecture architecture, float[] parameters, InputScaling scaling) {
        this(
                architecture,
                scaling,
                Objects.requireNonNull(parameters, "parameters").clone());
    }

    /** A model with the default {@link InputScaling#UNIT} scaling. */
    public MlpModel(Architecture architecture, float[] parameters) {
        this(architecture, parameters, InputScaling.UNIT);
    }

    /** Adopts {@code owned} (already a private copy) and validates it. */
    private MlpModel(Architecture architecture, InputScaling scaling, float[] owned) {
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.scaling = Objects.requireNonNull(scaling, "scaling");
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
        return new MlpModel(architecture, scaling, owned);
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

    /** Equal when architecture, scaling and every parameter bit pattern match (so 0.0 and -0.0 differ). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MlpModel m)) return false;
        if (!architecture.equals(m.architecture) || !scaling.equals(m.scaling)) return false;
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
        return "MlpModel[" + architecture + ", " + parameters.length + " parameters, scaling " + scaling.scale() + "*p+"
                + scaling.offset() + "]";
    }
}
