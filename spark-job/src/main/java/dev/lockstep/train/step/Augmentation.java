package dev.lockstep.train.step;

import dev.lockstep.nn.Seeds;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Random translation of training images by up to {@code maxShift} pixels in each direction, filling with
 * background. With 10,000 training digits this is worth about a point and a half of test accuracy. The shift of
 * a row depends only on (seed, epoch, global row), so it is the same on any partition, retry or resume.
 */
final class Augmentation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final int maxShift;
    private final int height;
    private final int width;

    Augmentation(long seed, int maxShift, int height, int width) {
        this.seed = seed;
        this.maxShift = maxShift;
        this.height = height;
        this.width = width;
    }

    boolean enabled() {
        return maxShift > 0;
    }

    /**
     * Writes row {@code src[srcOffset ..]} scaled by {@code scale} into {@code dst[dstOffset ..]}, shifted by this
     * row's (dx, dy) for the epoch.
     */
    void copyShifted(
            byte[] src,
            int srcOffset,
            float scale,
            float offset,
            long globalRow,
            int epoch,
            float[] dst,
            int dstOffset) {
        long h = Seeds.derive(seed, Seeds.AUGMENT, epoch, globalRow);
        int span = 2 * maxShift + 1;
        int dx = (int) Math.floorMod(h, (long) span) - maxShift;
        int dy = (int) Math.floorMod(h >>> 32, (long) span) - maxShift;
        Arrays.fill(dst, dstOffset, dstOffset + height * width, offset);
        for (int y = 0; y < height; y++) {
            int sy = y - dy;
            if (sy < 0 || sy >= height) continue;
            int x0 = Math.max(0, dx), x1 = Math.min(width, width + dx);
            int s = srcOffset + sy * width - dx;
            int d = dstOffset + y * width;
            for (int x = x0; x < x1; x++) dst[d + x] = (src[s + x] & 0xFF) * scale + offset;
        }
    }
}
