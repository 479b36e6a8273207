package dev.lockstep.train.sum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fixed order of a step's sum, and what a task holding several partitions sends. */
class SumTreeTest {
    @Test
    void coverSplitsAnyRangeIntoTheLargestNodesOfTheTreeInOrder() {
        for (int p = 1; p <= 13; p++) {
            Set<SumTree.Node> tree = new HashSet<>();
            nodes(new SumTree.Node(0, p), tree);
            int bound = 2 * (32 - Integer.numberOfLeadingZeros(p));
            for (int lo = 0; lo < p; lo++) {
                for (int hi = lo + 1; hi <= p; hi++) {
                    List<SumTree.Node> cover = SumTree.cover(lo, hi, p);
                    int next = lo;
                    for (SumTree.Node n : cover) {
                        assertTrue(tree.contains(n), n + " is not a node of the tree over " + p);
                        assertEquals(next, n.lo(), "contiguous and in order: " + cover);
                        next = n.hi();
                        SumTree.Node parent = parentOf(n, p);
                        assertTrue(
                                parent == null || parent.lo() < lo || parent.hi() > hi,
                                "not the largest: " + n + " in " + cover);
                    }
                    assertEquals(hi, next, "covers [" + lo + ", " + hi + ") of " + p + ": " + cover);
                    assertTrue(cover.size() <= bound, cover.toString());
                }
            }
        }
        // Tasks of a power-of-two number of partitions over a power-of-two total: one node each.
        assertEquals(List.of(new SumTree.Node(4, 8)), SumTree.cover(4, 8, 8));
        assertEquals(List.of(new SumTree.Node(0, 3)), SumTree.cover(0, 3, 5));
        assertEquals(List.of(new SumTree.Node(0, 2), new SumTree.Node(2, 3)), SumTree.cover(0, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> SumTree.cover(2, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> SumTree.cover(2, 2, 4));
    }

    @Test
    void upToThreePartitionsAddLeftToRightFourInPairs() {
        // Chosen so that the order shows: 1e16 + 1 rounds back to 1e16.
        double[] v = {1e16, 1, -1e16, 1};
        assertEquals((1e16 + 1) + -1e16, sum(v, 3), 0);
        // Three add left to right, as the step always did: grouped the other way this would be 1.
        assertEquals(0.0, sum(new double[] {1, 1e16, -1e16}, 3), 0, "(1 + 1e16) - 1e16");
        assertEquals(1.0, ((1e16 + 1) + -1e16) + 1, 0, "four left to right");
        assertEquals(0.0, sum(v, 4), 0, "four in pairs: (1e16 + 1) + (-1e16 + 1)");
        // However the four are grouped into tasks, the nodes they send add up to the same.
        Map<SumTree.Node, Double> known = new HashMap<>();
        for (SumTree.Node n : SumTree.cover(0, 3, 4)) known.put(n, SumTree.combine(n, leaves(v), SumTree::add));
        known.put(new SumTree.Node(3, 4), v[3]);
        assertEquals(sum(v, 4), SumTree.combine(new SumTree.Node(0, 4), known, SumTree::add), 0);

        Map<SumTree.Node, Double> missing = leaves(v);
        missing.remove(new SumTree.Node(2, 3));
        assertThrows(IllegalStateException.class, () -> SumTree.combine(new SumTree.Node(0, 4), missing, SumTree::add));
    }

    @Test
    void nodeSumsAddAsTheStepAlwaysHasMinusZeroIncluded() {
        // Element 1 tells the orders apart: (1 + 1e8) - 1e8 is 0 in float, 1 + (1e8 - 1e8) is 1.
        float[] a = {-0f, 1f, 3f, -0f};
        float[] b = {-0f, 1e8f, 0.5f, -0f};
        float[] c = {2f, -1e8f, 0.25f, -0f};
        for (WirePrecision wire : WirePrecision.values()) {
            Map<SumTree.Node, NodeSum> nodes = new HashMap<>();
            nodes.put(new SumTree.Node(0, 1), NodeSum.encoded(wire.encode(a), wire, 4));
            nodes.put(new SumTree.Node(1, 2), NodeSum.encoded(wire.encode(b), wire, 4));
            nodes.put(new SumTree.Node(2, 3), NodeSum.encoded(wire.encode(c), wire, 4));
            float[] expected = new float[4];
            for (float[] v : new float[][] {a, b, c}) wire.addTo(wire.encode(v), expected);
            float[] total = NodeSum.total(3, nodes);
            assertArrayEquals(FloatBits.of(expected), FloatBits.of(total), wire.toString());
            assertEquals(0f, total[1], "1 + 1e8 rounds to 1e8 in float, left to right");
            assertEquals(
                    Float.floatToRawIntBits(0f),
                    Float.floatToRawIntBits(total[3]),
                    "-0 + -0 + -0 is +0, as 0 + ... made it");
        }
        // A lone partition's -0 becomes +0 too, as 0 + x always made it.
        Map<SumTree.Node, NodeSum> one = Map.of(new SumTree.Node(0, 1), NodeSum.of(new float[] {-0f}));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(NodeSum.total(1, one)[0]));
        assertThrows(IllegalArgumentException.class, () -> NodeSum.encoded(new byte[5], WirePrecision.FLOAT32, 2));
        assertFalse(new SumTree.Node(0, 2).isLeaf());
    }

    @Test
    void reusedArraysGiveTheSameTotalOverManyPartitions() {
        int p = 37;
        Random random = new Random(7);
        for (WirePrecision wire : WirePrecision.values()) {
            byte[][] leaves = new byte[p][];
            for (int i = 0; i < p; i++) {
                float[] v = new float[64];
                for (int j = 0; j < v.length; j++)
                    v[j] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6));
                leaves[i] = wire.encode(v);
            }
            // Some nodes already summed elsewhere (a task of several partitions), the rest leaves.
            Map<SumTree.Node, NodeSum> fresh = new HashMap<>();
            Map<SumTree.Node, NodeSum> pooled = new HashMap<>();
            for (int i = 0; i < p; i++) {
                if (i >= 8 && i < 16) continue;
                fresh.put(new SumTree.Node(i, i + 1), NodeSum.encoded(leaves[i], wire, 64));
                pooled.put(new SumTree.Node(i, i + 1), NodeSum.encoded(leaves[i], wire, 64));
            }
            Map<SumTree.Node, NodeSum> part = new HashMap<>();
            for (int i = 8; i < 16; i++) part.put(new SumTree.Node(i, i + 1), NodeSum.encoded(leaves[i], wire, 64));
            for (SumTree.Node n : SumTree.cover(8, 16, p)) {
                byte[] sent = WirePrecision.FLOAT32.encode(
                        SumTree.combine(n, part, NodeSum::plus).toArray());
                fresh.put(n, NodeSum.encoded(sent, WirePrecision.FLOAT32, 64));
                pooled.put(n, NodeSum.encoded(sent, WirePrecision.FLOAT32, 64));
            }
            float[] expected = SumTree.combine(new SumTree.Node(0, p), fresh, NodeSum::plus)
                    .toArray();
            assertArrayEquals(FloatBits.of(expected), FloatBits.of(NodeSum.total(p, pooled)), wire.toString());
        }
    }

    private static double sum(double[] v, int p) {
        return SumTree.combine(new SumTree.Node(0, p), leaves(v), SumTree::add);
    }

    private static Map<SumTree.Node, Double> leaves(double[] v) {
        Map<SumTree.Node, Double> m = new HashMap<>();
        for (int i = 0; i < v.length; i++) m.put(new SumTree.Node(i, i + 1), v[i]);
        return m;
    }

    private static void nodes(SumTree.Node n, Set<SumTree.Node> out) {
        out.add(n);
        if (n.isLeaf()) return;
        nodes(new SumTree.Node(n.lo(), n.mid()), out);
        nodes(new SumTree.Node(n.mid(), n.hi()), out);
    }

    private static SumTree.Node parentOf(SumTree.Node child, int p) {
        SumTree.Node n = new SumTree.Node(0, p);
        if (n.equals(child)) return null;
        while (true) {
            SumTree.Node next =
                    child.lo() < n.mid() ? new SumTree.Node(n.lo(), n.mid()) : new SumTree.Node(n.mid(), n.hi());
            if (next.equals(child)) return n;
            n = next;
        }
    }
}
