package dev.lockstep.data;

import java.util.Arrays;

/**
 * An immutable in-memory set of labelled images: {@code count} images of {@code rows x cols} unsigned
 * byte pixels (row-major, image after image) and one label 0-9 per image.
 *
 * <p>{@link #pixels()} and {@link #labels()} hand out the backing arrays without copying, so a 47 MB
 * training set can be cut into blocks without an extra copy. Callers must never modify them.
 */
public final class LabeledImages {
    /** Labels are digits (or Fashion-MNIST's ten classes). */
    public static final int CLASSES = 10;
    /** Pixels of the largest image read: 1024x1024, IDX's limit, and a CSV row's or prepared record's too. */
    public static final int MAX_FEATURES = IdxHeader.MAX_SIDE * IdxHeader.MAX_SIDE;

    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;
    private final String source;

    /**
     * Takes ownership of both arrays (no copy).
     *
     * @throws IllegalArgumentException if the shape does not match the arrays or a label is not in 0-9;
     *     the readers check their input first, so this only fires on a programming error
     */
    public LabeledImages(int rows, int cols, byte[] pixels, byte[] labels, String source) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(source + ": image shape " + rows + "x" + cols + " must be positive");
        }
        long expected = (long) labels.length * rows * cols;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(source + ": " + labels.length + " images of " + rows + "x" + cols
                    + " need " + expected + " pixels, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= CLASSES) {
                throw new IllegalArgumentException(
                        source + ": label " + (labels[i] & 0xff) + " of item " + i + " is out of range (expected 0-9)");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
        this.source = source;
    }

    public int count() {
        return labels.length;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Pixels per image, the network's input width. */
    public int features() {
        return rows * cols;
    }

    public int label(int i) {
        return labels[i];
    }

    /** The backing pixel array, image after image, unsigned bytes. Do not modify. */
    public byte[] pixels() {
        return pixels;
    }

    /** The backing label array, one byte 0-9 per image. Do not modify. */
    public byte[] labels() {
        return labels;
    }

    /** Where the data came from, for messages. */
    public String source() {
        return source;
    }

    /** A new dataset holding the given images, in the given order (repeats allowed). */
    public LabeledImages select(int[] indices) {
        int features = features();
        byte[] newPixels = new byte[Math.multiplyExact(indices.length, features)];
        byte[] newLabels = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= count()) {
                throw new IndexOutOfBoundsException("index " + i + " outside 0.." + (count() - 1));
            }
            System.arraycopy(pixels, i * features, newPixels, k * features, features);
            newLabels[k] = labels[i];
        }
        return new LabeledImages(rows, cols, newPixels, newLabels, source);
    }

    /** A new dataset holding images {@code from} (inclusive) to {@code to} (exclusive). */
    public LabeledImages slice(int from, int to) {
        if (from < 0 || to > count() || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") outside [0, " + count() + ")");
        }
        int features = features();
        return new LabeledImages(
                rows,
                cols,
                Arrays.copyOfRange(pixels, from * features, to * features),
                Arrays.copyOfRange(labels, from, to),
                source);
    }

    @Override
    public String toString() {
        return count() + " images of " + rows + "x" + cols + " from " + source;
    }
}
