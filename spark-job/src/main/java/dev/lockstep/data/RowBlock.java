package dev.lockstep.data;

import java.io.Serializable;

/**
 * A run of consecutive dataset rows in two flat arrays: the unit a Spark partition caches. A few
 * large blocks per partition keep object count and serialization overhead negligible.
 */
public final class RowBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long firstRow;
    private final int count;
    private final int features;
    private final byte[] pixels;
    private final byte[] labels;

    /** Takes ownership of both arrays (no copy). */
    public RowBlock(long firstRow, int count, int features, byte[] pixels, byte[] labels) {
        if (firstRow < 0 || count < 0 || features < 1) {
            throw new IllegalArgumentException(
                    "bad block: firstRow " + firstRow + ", count " + count + ", features " + features);
        }
        if (labels.length != count || pixels.length != (long) count * features) {
            throw new IllegalArgumentException("block of " + count + " rows x " + features + " features got "
                    + pixels.length + " pixels and " + labels.length + " labels");
        }
        this.firstRow = firstRow;
        this.count = count;
        this.features = features;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** Global index of this block's first row. */
    public long firstRow() {
        return firstRow;
    }

    /** Global index one past this block's last row. */
    public long endRow() {
        return firstRow + count;
    }

    public int count() {
        return count;
    }

    public int features() {
        return features;
    }

    /** Pixels of all rows, row after row; shared, do not modify. */
    public byte[] pixels() {
        return pixels;
    }

    /** Labels 0-9, one per row; shared, do not modify. */
    public byte[] labels() {
        return labels;
    }

    public boolean contains(long globalRow) {
        return globalRow >= firstRow && globalRow < endRow();
    }

    /** Label of the row with the given global index. */
    public int label(long globalRow) {
        return labels[localIndex(globalRow)];
    }

    /** Where the row with the given global index starts in {@link #pixels()}. */
    public int pixelOffset(long globalRow) {
        return localIndex(globalRow) * features;
    }

    private int localIndex(long globalRow) {
        if (!contains(globalRow)) {
            throw new IndexOutOfBoundsException(
                    "row " + globalRow + " is not in block [" + firstRow + ", " + endRow() + ")");
        }
        return (int) (globalRow - firstRow);
    }

    @Override
    public String toString() {
        return "RowBlock[" + firstRow + ", " + endRow() + ") x " + features;
    }
}
