package dev.lockstep.model;

import dev.lockstep.LockstepException;

/**
 * How a raw pixel byte {@code p} (0..255) becomes a network input: {@code p * scale + offset}.
 * Stored in the model so that prediction always uses exactly the scaling the model was trained with.
 */
public record InputScaling(float scale, float offset) {
    /** Pixels to [0, 1]. */
    public static final InputScaling UNIT = new InputScaling(1f / 255f, 0f);

    public InputScaling {
        if (!Float.isFinite(scale) || !Float.isFinite(offset)) {
            throw new LockstepException("input scaling must be finite, got scale " + scale + " and offset " + offset);
        }
    }

    /** Maps a raw byte as read from an image (sign-extended or not) to the network input value. */
    public float apply(int pixel) {
        return (pixel & 0xFF) * scale + offset;
    }
}
