package dev.lockstep.train;

/**
 * The summed gradient of one {@link SumTree} node on its way into the step's total: still encoded as it arrived,
 * or already added up. Sums are {@code (0 + left) + right} element by element, the additions the step has always
 * made (the leading 0 turns a -0 into +0), and an encoded right half is added straight from its bytes.
 */
final class NodeSum {
    private final byte[] encoded;
    private final WirePrecision wire;
    private final int length;
    private float[] values;

    private NodeSum(byte[] encoded, WirePrecision wire, int length, float[] values) {
        this.encoded = encoded;
        this.wire = wire;
        this.length = length;
        this.values = values;
    }

    /** A node's sum as it travelled: {@code length} values at {@code wire} precision. */
    static NodeSum encoded(byte[] encoded, WirePrecision wire, int length) {
        if (encoded.length != (long) length * wire.bytesPerValue()) {
            throw new IllegalArgumentException("expected " + length + " " + wire.displayName() + " values, got " + encoded.length + " bytes");
        }
        return new NodeSum(encoded, wire, length, null);
    }

    /** A node's sum computed in this JVM; taken over, not copied. */
    static NodeSum of(float[] values) {
        return new NodeSum(null, null, values.length, values);
    }

    /** Left half plus right half, in the left half's storage when it has one. */
    static NodeSum plus(NodeSum left, NodeSum right) {
        float[] sum = left.toArray();
        right.addTo(sum);
        return new NodeSum(null, null, sum.length, sum);
    }

    /** The values as {@code 0 + v}: decoded into a new array, or the own array made so in place. */
    float[] toArray() {
        if (values == null) {
            values = new float[length];
            wire.addTo(encoded, values);
        } else {
            for (int i = 0; i < length; i++) values[i] = 0f + values[i];
        }
        return values;
    }

    private void addTo(float[] sum) {
        if (values == null) {
            wire.addTo(encoded, sum);
        } else {
            for (int i = 0; i < length; i++) sum[i] += values[i];
        }
    }

    /** The whole tree's sum from the nodes that cover it, as {@code 0 + total}. */
    static float[] total(int partitions, java.util.Map<SumTree.Node, NodeSum> nodes) {
        return SumTree.combine(new SumTree.Node(0, partitions), nodes, NodeSum::plus).toArray();
    }
}
