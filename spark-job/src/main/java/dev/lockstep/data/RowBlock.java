package dev.lockstep.data;

import java.io.Serializable;

/**
 * A run of consecutive dataset rows in flat arrays: the unit a Spark partition caches. A few large blocks per
 * partition keep object count and serialization overhead negligible.
 *
 * <p>Features are held either as unsigned bytes (every feature an integer 0-255, as in images) or as float32
 * (anything else); exactly one of {@link #bytes()} and {@link #floats()} is non-null. Labels are ints 0..K-1,
 * stored as unsigned bytes when every label is below 256 (the common case), else as ints: a block of a million
 * rows then spends 1 MB, not 4 MB, on labels.
 */
public final class RowBlock implements Serializable {
    private static final long serialVersionUID = 2L;

    private final long firstRow;
    private final int count;
    private final int features;
    private final byte[] bytes; // null for float rows
    private final float[] floats; // null for byte rows
    private final byte[] smallLabels; // unsigned; null when some label is >= 256
    private final int[] largeLabels; // null when smallLabels holds them

    /** Byte rows with labels 0-255 as unsigned bytes; takes ownership of both arrays (no copy). */
    public RowBlock(long firstRow, int count, int features, byte[] pixels, byte[] labels) {
        this(firstRow, count, features, pixels, null, labels, null, pixels.length);
    }

    private RowBlock(
            long firstRow,
            int count,
            int features,
            byte[] bytes,
            float[] floats,
            byte[] smallLabels,
            int[] largeLabels,
            long values) {
        if (firstRow < 0 || count < 0 || features < 1) {
            throw new IllegalArgumentException(
                    "bad block: firstRow " + firstRow + ", count " + count + ", features " + features);
        }
        int labelCount = smallLabels != null ? smallLabels.length : largeLabels.length;
        if (labelCount != count || values != (long) count * features) {
            throw new IllegalArgumentException("block of " + count + " rows x " + features + " features got " + values
                    + " values and " + labelCount + " labels");
        }
        this.firstRow = firstRow;
        this.count = count;
        this.features = features;
        this.bytes = bytes;
        this.floats = floats;
        this.smallLabels = smallLabels;
        this.largeLabels = largeLabels;
    }

    /** Byte rows (raw values 0-255); takes ownership of {@code values}, labels are stored compactly. */
    public static RowBlock ofBytes(long firstRow, int count, int features, byte[] values, int[] labels) {
        byte[] small = compact(labels);
        return new RowBlock(
                firstRow, count, features, values, null, small, small == null ? labels : null, values.length);
    }

    /** Float rows; takes ownership of {@code values}, labels are stored compactly. */
    public static RowBlock ofFloats(long firstRow, int count, int features, float[] values, int[] labels) {
        byte[] small = compact(labels);
        return new RowBlock(
                firstRow, count, features, null, values, small, small == null ? labels : null, values.length);
    }

    /** The labels as unsigned bytes when all fit, else null; refuses negative labels. */
    private static byte[] compact(int[] labels) {
        int max = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " < 0");
            max = Math.max(max, labels[i]);
        }
        if (max > 255) return null;
        byte[] small = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) small[i] = (byte) labels[i];
        return small;
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

    /** True when the features are unsigned bytes ({@link #bytes()}), false for floats ({@link #floats()}). */
    public boolean isBytes() {
        return bytes != null;
    }

    /** Byte features of all rows, row after row, or null for float rows; shared, do not modify. */
    public byte[] bytes() {
        return bytes;
    }

    /** Float features of all rows, row after row, or null for byte rows; shared, do not modify. */
    public float[] floats() {
        return floats;
    }

    /** Label of the row at {@code local} (0 = this block's first row). */
    public int label(int local) {
        return smallLabels != null ? smallLabels[local] & 0xFF : largeLabels[local];
    }

    /** Raw value of {@code feature} in the row at {@code local}: the byte as 0-255, or the float. */
    public float raw(int local, int feature) {
        int i = local * features + feature;
        return bytes != null ? bytes[i] & 0xFF : floats[i];
    }

    public boolean contains(long globalRow) {
        return globalRow >= firstRow && globalRow < endRow();
    }

    /** Where the row with the given global index starts in {@link #bytes()} or {@link #floats()}. */
    public int pixelOffset(long globalRow) {
        return localIndex(globalRow) * features;
    }

    /** The local index (0 = first row of this block) of the row with the given global index. */
    public int localIndex(long globalRow) {
        if (!contains(globalRow)) {
            throw new IndexOutOfBoundsException(
                    "row " + globalRow + " is not in block [" + firstRow + ", " + endRow() + ")");
        }
        return (int) (globalRow - firstRow);
    }

    @Override
    public String toString() {
        return "RowBlock[" + firstRow + ", " + endRow() + ") x " + features + (bytes != null ? " bytes" : " floats");
    }
}
