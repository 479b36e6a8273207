package dev.lockstep.train.sum;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;

/**
 * The summed gradient of one {@link SumTree} node on its way into the step's total: still encoded as it arrived,
 * or already added up. Sums are {@code (0 + left) + right} element by element, the additions the step has always
 * made (the leading 0 turns a -0 into +0), and an encoded right half is added straight from its bytes.
 */
public final class NodeSum {
    private final byte[] encoded;
    private final WirePrecision wire;
    private final int length;
    private float[] values;
    private boolean canonical; // values hold no -0: they are 0 + something already

    private NodeSum(byte[] encoded, WirePrecision wire, int length, float[] values, boolean canonical) {
        this.encoded = encoded;
        this.wire = wire;
        this.length = length;
        this.values = values;
        this.canonical = canonical;
    }

    /** A node's sum as it travelled: {@code length} values at {@code wire} precision. */
    public static NodeSum encoded(byte[] encoded, WirePrecision wire, int length) {
        if (encoded.length != (long) length * wire.bytesPerValue()) {
            throw new IllegalArgumentException(
                    "expected " + length + " " + wire.displayName() + " values, got " + encoded.length + " bytes");
        }
        return new NodeSum(encoded, wire, length, null, false);
    }

    /** A node's sum computed in this JVM; taken over, not copied. */
    public static NodeSum of(float[] values) {
        return new NodeSum(null, null, values.length, values, false);
    }

    /** Left half plus right half, in the left half's storage when it has one. */
    public static NodeSum plus(NodeSum left, NodeSum right) {
        return plus(left, right, null);
    }

    /**
     * As above; a left half still encoded is decoded into an array from {@code spare} when there is one, and a
     * right half's array, once added, goes back to it: a tree over many partitions then needs about as many
     * arrays as it is deep, not one per node.
     */
    private static NodeSum plus(NodeSum left, NodeSum right, ArrayDeque<float[]> spare) {
        float[] sum = left.toArray(spare);
        right.addTo(sum);
        if (spare != null && right.values != null) spare.push(right.values);
        return new NodeSum(null, null, sum.length, sum, true);
    }

    /** The values as {@code 0 + v}: decoded into a new array, or the own array made so in place. */
    public float[] toArray() {
        return toArray(null);
    }

    private float[] toArray(ArrayDeque<float[]> spare) {
        if (values == null) {
            float[] zeros = spare == null || spare.isEmpty() ? new float[length] : spare.pop();
            if (zeros.length != length)
                throw new IllegalArgumentException("sums of " + zeros.length + " and " + length + " values");
            Arrays.fill(zeros, 0f);
            wire.addTo(encoded, zeros);
            values = zeros;
        } else if (!canonical) {
            for (int i = 0; i < length; i++) values[i] = 0f + values[i];
        }
        canonical = true;
        return values;
    }

    private void addTo(float[] sum) {
        if (sum.length != length)
            throw new IllegalArgumentException("sums of " + sum.length + " and " + length + " values");
        if (values == null) {
            wire.addTo(encoded, sum);
        } else {
            for (int i = 0; i < length; i++) sum[i] += values[i];
        }
    }

    /** The whole tree's sum from the nodes that cover it, as {@code 0 + total}. */
    public static float[] total(int partitions, Map<SumTree.Node, NodeSum> nodes) {
        ArrayDeque<float[]> spare = new ArrayDeque<>();
        return SumTree.combine(new SumTree.Node(0, partitions), nodes, (l, r) -> plus(l, r, spare))
                .toArray(spare);
    }
}
