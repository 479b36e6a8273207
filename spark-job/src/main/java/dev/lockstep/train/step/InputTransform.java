package dev.lockstep.train.step;

import dev.lockstep.data.RowBlock;
import dev.lockstep.model.InputScaling;
import java.io.Serializable;

/**
 * Turns a stored row (byte or float features) into the network's float input: the model's per-feature scaling,
 * plus augmentation while training on images.
 */
public final class InputTransform implements Serializable {
    private static final long serialVersionUID = 2L;

    private final int features;
    private final InputScaling scaling;
    // The uniform case keeps its two floats in fields: byte rows take exactly the arithmetic they always took.
    private final float scale;
    private final float offset;
    private final Augmentation augmentation; // null: copy as is (evaluation, or augmentation off)

    InputTransform(int features, InputScaling scaling, Augmentation augmentation) {
        if (!scaling.isUniform() && scaling.features() != features) {
            throw new IllegalArgumentException(
                    "scaling covers " + scaling.features() + " features, rows have " + features);
        }
        this.features = features;
        this.scaling = scaling;
        this.scale = scaling.isUniform() ? scaling.scale() : Float.NaN;
        this.offset = scaling.isUniform() ? scaling.offset() : Float.NaN;
        this.augmentation = augmentation != null && augmentation.enabled() ? augmentation : null;
        if (this.augmentation != null && !scaling.isUniform()) {
            throw new IllegalArgumentException("augmentation shifts images, whose scaling is uniform");
        }
    }

    /**
     * What training feeds the network: pixels scaled to 0..1 ({@link InputScaling#UNIT}), shifted as the run's
     * augmentation says ({@code maxShift} pixels at most, 0: none).
     */
    public static InputTransform forTraining(int features, long seed, int maxShift, int height, int width) {
        return forTraining(features, InputScaling.UNIT, seed, maxShift, height, width);
    }

    /**
     * What training feeds the network: rows scaled as {@code scaling} says, image byte rows shifted as the run's
     * augmentation says ({@code maxShift} pixels at most, 0: none; only for a uniform scaling).
     */
    public static InputTransform forTraining(
            int features, InputScaling scaling, long seed, int maxShift, int height, int width) {
        return new InputTransform(features, scaling, new Augmentation(seed, maxShift, height, width));
    }

    /** What evaluation feeds the network: rows scaled as {@code scaling} says, nothing shifted. */
    public static InputTransform plain(int features, InputScaling scaling) {
        return new InputTransform(features, scaling, null);
    }

    /** The scaling this transform applies. */
    public InputScaling scaling() {
        return scaling;
    }

    /** Writes the network input of row {@code local} of {@code block} to {@code dst[dstOffset ..]}. */
    void copy(RowBlock block, int local, long globalRow, int epoch, float[] dst, int dstOffset) {
        int from = local * features;
        if (block.isBytes()) {
            byte[] pixels = block.bytes();
            if (augmentation != null) {
                augmentation.copyShifted(pixels, from, scale, offset, globalRow, epoch, dst, dstOffset);
            } else if (scaling.isUniform()) {
                for (int i = 0; i < features; i++) dst[dstOffset + i] = (pixels[from + i] & 0xFF) * scale + offset;
            } else {
                for (int i = 0; i < features; i++) dst[dstOffset + i] = scaling.apply(i, pixels[from + i] & 0xFF);
            }
            return;
        }
        if (augmentation != null) throw new IllegalStateException("augmentation shifts byte images only");
        float[] values = block.floats();
        if (scaling.isUniform()) {
            for (int i = 0; i < features; i++) dst[dstOffset + i] = values[from + i] * scale + offset;
        } else {
            for (int i = 0; i < features; i++) dst[dstOffset + i] = scaling.apply(i, values[from + i]);
        }
    }
}
