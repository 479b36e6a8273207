package dev.lockstep.train.step;

import dev.lockstep.model.InputScaling;
import java.io.Serializable;

/** Turns a row of pixel bytes into the network's float input: scaling, plus augmentation while training. */
public final class InputTransform implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int features;
    private final float scale;
    private final float offset;
    private final Augmentation augmentation; // null: copy as is (evaluation, or augmentation off)

    InputTransform(int features, float scale, float offset, Augmentation augmentation) {
        this.features = features;
        this.scale = scale;
        this.offset = offset;
        this.augmentation = augmentation != null && augmentation.enabled() ? augmentation : null;
    }

    /**
     * What training feeds the network: pixels scaled to 0..1 ({@link InputScaling#UNIT}), shifted as the run's
     * augmentation says ({@code maxShift} pixels at most, 0: none).
     */
    public static InputTransform forTraining(int features, long seed, int maxShift, int height, int width) {
        return new InputTransform(
                features,
                InputScaling.UNIT.scale(),
                InputScaling.UNIT.offset(),
                new Augmentation(seed, maxShift, height, width));
    }

    /** What evaluation feeds the network: pixels scaled as {@code scaling} says, nothing shifted. */
    public static InputTransform plain(int features, InputScaling scaling) {
        return new InputTransform(features, scaling.scale(), scaling.offset(), null);
    }

    void copy(byte[] pixels, int from, long globalRow, int epoch, float[] dst, int dstOffset) {
        if (augmentation != null) {
            augmentation.copyShifted(pixels, from, scale, offset, globalRow, epoch, dst, dstOffset);
            return;
        }
        for (int i = 0; i < features; i++) dst[dstOffset + i] = (pixels[from + i] & 0xFF) * scale + offset;
    }
}
