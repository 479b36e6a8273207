package dev.lockstep.train.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * The one order in which a step adds its partitions' gradients (and losses): a binary tree over partitions
 * 0..P-1, each node [lo, hi) the sum of its halves [lo, mid) and [mid, hi), mid = lo + ceil((hi - lo) / 2).
 * Floating-point addition is not associative, so the order is part of the model; fixing it by partition index,
 * not by which task held which partitions, lets a task that computes several partitions add them itself and
 * send one sum, while the result stays bit for bit the same as with one task per partition. For up to three
 * partitions the tree is the plain left-to-right sum.
 */
public final class SumTree {
    private SumTree() {}

    /** A node of the tree: partitions [lo, hi). */
    public record Node(int lo, int hi) {
        public Node {
            if (lo < 0 || hi <= lo)
                throw new IllegalArgumentException("empty or negative node [" + lo + ", " + hi + ")");
        }

        public boolean isLeaf() {
            return hi - lo == 1;
        }

        int mid() {
            return lo + (hi - lo + 1) / 2;
        }
    }

    /**
     * The largest nodes of the tree over {@code partitions} partitions that lie inside [lo, hi), left to right:
     * what a task holding those partitions sends. One node when the range is a node of the tree (as with tasks
     * of a power-of-two number of partitions each, over a power-of-two total); never more than about 2 log P.
     */
    public static List<Node> cover(int lo, int hi, int partitions) {
        if (lo < 0 || hi <= lo || hi > partitions) {
            throw new IllegalArgumentException("range [" + lo + ", " + hi + ") is not inside 0.." + partitions);
        }
        List<Node> out = new ArrayList<>();
        cover(new Node(0, partitions), lo, hi, out);
        return out;
    }

    private static void cover(Node n, int lo, int hi, List<Node> out) {
        if (hi <= n.lo() || n.hi() <= lo) return;
        if (lo <= n.lo() && n.hi() <= hi) {
            out.add(n);
            return;
        }
        cover(new Node(n.lo(), n.mid()), lo, hi, out);
        cover(new Node(n.mid(), n.hi()), lo, hi, out);
    }

    /**
     * The value of node {@code root} from the values of nodes that together cover it exactly (a task's or every
     * task's {@link #cover}): {@code plus} adds a right half to a left half and may reuse the left's storage.
     *
     * @throws IllegalStateException if some partition of {@code root} is in none of {@code known}
     */
    public static <V> V combine(Node root, Map<Node, V> known, BinaryOperator<V> plus) {
        V v = known.get(root);
        if (v != null) return v;
        if (root.isLeaf()) throw new IllegalStateException("no result for partition " + root.lo());
        return plus.apply(
                combine(new Node(root.lo(), root.mid()), known, plus),
                combine(new Node(root.mid(), root.hi()), known, plus));
    }

    /**
     * Losses add as the gradients do ({@link NodeSum}): a run reports the same loss however its partitions were
     * grouped.
     */
    public static Double add(Double left, Double right) {
        return (0.0 + left) + right;
    }

    /**
     * The loss of all {@code partitions} from the nodes that cover them, as {@code 0 + total} (see {@link
     * NodeSum#total}).
     */
    public static double totalLoss(int partitions, Map<Node, Double> nodes) {
        return 0.0 + combine(new Node(0, partitions), nodes, SumTree::add);
    }
}
