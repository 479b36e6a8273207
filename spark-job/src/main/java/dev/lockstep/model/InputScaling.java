package dev.lockstep.model;

import dev.lockstep.LockstepException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * How a raw feature value {@code x} of feature {@code f} becomes a network input: {@code x * scale[f] +
 * offset[f]}. Either uniform (one scale and offset for every feature, as for pixels) or per feature (a
 * standardization fitted on the training rows). Stored in the model so that prediction always uses exactly the
 * scaling the model was trained with. Immutable.
 */
public final class InputScaling implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Pixels to [0, 1]: what byte rows get. */
    public static final InputScaling UNIT = new InputScaling(1f / 255f, 0f);

    /** Values as they are: float rows with standardization off. */
    public static final InputScaling IDENTITY = new InputScaling(1f, 0f);

    private final float scale; // the uniform values; unused when per feature
    private final float offset;
    private final float[] scales; // null when uniform
    private final float[] offsets;

    /** A uniform scaling: every feature {@code x * scale + offset}. */
    public InputScaling(float scale, float offset) {
        if (!Float.isFinite(scale) || !Float.isFinite(offset)) {
            throw new LockstepException("input scaling must be finite, got scale " + scale + " and offset " + offset);
        }
        this.scale = scale;
        this.offset = offset;
        this.scales = null;
        this.offsets = null;
    }

    private InputScaling(float[] scales, float[] offsets) {
        if (scales.length != offsets.length || scales.length == 0) {
            throw new LockstepException("per-feature input scaling needs as many scales as offsets (at least one), got "
                    + scales.length + " and " + offsets.length);
        }
        for (int f = 0; f < scales.length; f++) {
            if (!Float.isFinite(scales[f]) || !Float.isFinite(offsets[f])) {
                throw new LockstepException("input scaling must be finite, got scale " + scales[f] + " and offset "
                        + offsets[f] + " for feature " + f);
            }
        }
        this.scale = Float.NaN;
        this.offset = Float.NaN;
        this.scales = scales;
        this.offsets = offsets;
    }

    /** Feature {@code f} enters as {@code x * scale[f] + offset[f]}; the arrays are copied. */
    public static InputScaling perFeature(float[] scale, float[] offset) {
        return new InputScaling(scale.clone(), offset.clone());
    }

    /**
     * Feature {@code f} enters as {@code (x - mean[f]) / std[f]}, i.e. scale {@code 1/std}, offset
     * {@code -mean/std}, computed in double then rounded to float. A constant feature (std 0, or so small that
     * 1/std overflows float32) enters as 0.
     */
    public static InputScaling standardize(double[] mean, double[] std) {
        if (mean.length != std.length) {
            throw new LockstepException(
                    "standardization needs as many means as deviations, got " + mean.length + " and " + std.length);
        }
        float[] s = new float[mean.length];
        float[] o = new float[mean.length];
        for (int f = 0; f < mean.length; f++) {
            if (!Double.isFinite(mean[f]) || !Double.isFinite(std[f]) || std[f] < 0) {
                throw new LockstepException(
                        "feature " + f + " has mean " + mean[f] + " and deviation " + std[f] + ": cannot standardize");
            }
            // A deviation so small that 1/std overflows float32 is no variation at float32 precision: as 0.
            if (std[f] > 0 && Float.isFinite((float) (1.0 / std[f]))) {
                s[f] = (float) (1.0 / std[f]);
                o[f] = (float) (-mean[f] / std[f]);
            }
        }
        return new InputScaling(s, o);
    }

    /** The network input for raw value {@code x} of feature {@code f}. */
    public float apply(int f, float x) {
        return scales == null ? x * scale + offset : x * scales[f] + offsets[f];
    }

    /** True when every feature shares one scale and offset. */
    public boolean isUniform() {
        return scales == null;
    }

    /** How many features a per-feature scaling covers; 0 when uniform (it fits any width). */
    public int features() {
        return scales == null ? 0 : scales.length;
    }

    /** The scale of feature {@code f}. */
    public float scale(int f) {
        return scales == null ? scale : scales[f];
    }

    /** The offset of feature {@code f}. */
    public float offset(int f) {
        return scales == null ? offset : offsets[f];
    }

    /** The uniform scale; only for a uniform scaling. */
    public float scale() {
        requireUniform();
        return scale;
    }

    /** The uniform offset; only for a uniform scaling. */
    public float offset() {
        requireUniform();
        return offset;
    }

    private void requireUniform() {
        if (scales != null) throw new IllegalStateException("per-feature scaling has no single scale and offset");
    }

    /** Equal when uniform-ness and every scale and offset match (as {@link Float#compare} sees them). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InputScaling s)) return false;
        if (scales == null) {
            return s.scales == null && Float.compare(scale, s.scale) == 0 && Float.compare(offset, s.offset) == 0;
        }
        return Arrays.equals(scales, s.scales) && Arrays.equals(offsets, s.offsets);
    }

    @Override
    public int hashCode() {
        if (scales == null) return 31 * Float.hashCode(scale) + Float.hashCode(offset);
        return 31 * Arrays.hashCode(scales) + Arrays.hashCode(offsets);
    }

    @Override
    public String toString() {
        return scales == null ? "x*" + scale + "+" + offset : "per-feature(" + scales.length + ")";
    }
}
