package dev.lockstep.train.exchange;

import dev.lockstep.train.rows.PartitionLayout;
import dev.lockstep.train.sum.SumTree;
import dev.lockstep.train.sum.WirePrecision;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What the driver accepts as a task's answer to a step, from the model and the layout alone: the {@link SumTree}
 * nodes covering exactly the partitions the task holds, each gradient as many values as the model has parameters
 * (at the wire's precision for a single partition, in float32 for a sum of several), and no more rows than the
 * step's batch. An answer over Spark's RPC is measured against it before any of it is copied; one that does not
 * fit is refused, never kept: it could otherwise stand in for other tasks' partitions or fail the step's sum.
 */
public final class AnswerShape implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PartitionLayout layout;
    private final WirePrecision wire;
    private final int parameterCount;
    private final Slices slices; // null: answers carry whole gradients of nodes

    public AnswerShape(PartitionLayout layout, WirePrecision wire, int parameterCount) {
        this(layout, wire, parameterCount, null);
    }

    private AnswerShape(PartitionLayout layout, WirePrecision wire, int parameterCount, Slices slices) {
        if (parameterCount < 1)
            throw new IllegalArgumentException("parameter count must be positive, got " + parameterCount);
        this.layout = layout;
        this.wire = wire;
        this.parameterCount = parameterCount;
        this.slices = slices;
    }

    /** The same answers' nodes and counts, each with its slice's sum (float32) instead of the nodes' gradients. */
    AnswerShape sliced(Slices s) {
        if (s.values() != parameterCount || s.count() != layout.tasks())
            throw new IllegalArgumentException(
                    s + " does not fit " + parameterCount + " parameters and " + layout.tasks() + " tasks");
        return new AnswerShape(layout, wire, parameterCount, s);
    }

    int tasks() {
        return layout.tasks();
    }

    int partitions() {
        return layout.partitions();
    }

    int parameterCount() {
        return parameterCount;
    }

    /** The rows of a step's sorted batch that task {@code task}'s partitions own. */
    int[] batchShare(int task, int[] sortedBatchRows) {
        return layout.batchShare(task, sortedBatchRows);
    }

    /** The bytes of task {@code task}'s slice sum in a sliced answer. */
    long sliceBytes(int task) {
        return 4L * slices.length(task);
    }

    /** The nodes task {@code task} sends, left to right. */
    List<SumTree.Node> nodes(int task) {
        return SumTree.cover(layout.first(task), layout.end(task), layout.partitions());
    }

    /** The bytes of a node's gradient. */
    long gradientBytes(SumTree.Node node) {
        return (long) parameterCount * (node.isLeaf() ? wire : WirePrecision.FLOAT32).bytesPerValue();
    }

    /**
     * The only length an answer of {@code from} may have, given the bytes of its header and those around each
     * node's gradient and after the last ({@link StepMessages#answer}).
     */
    long messageBytes(TaskAttempt from, int headerBytes, int perNodeBytes, int trailerBytes) {
        checkTask(from);
        long bytes = headerBytes + trailerBytes;
        for (SumTree.Node node : nodes(from.task())) bytes += perNodeBytes + gradientBytes(node);
        return bytes;
    }

    /**
     * Checks an answer of {@code from} against the shape; {@code batchRows} is the step's batch size.
     *
     * @throws IllegalArgumentException saying what does not fit
     */
    void check(TaskAttempt from, PartialGradient p, int batchRows) {
        checkTask(from);
        List<SumTree.Node> nodes = nodes(from.task());
        int n = p.nodeLo.length;
        int gradients = slices == null ? n : 0;
        if (p.nodeHi.length != n || p.gradients.length != gradients || p.losses.length != n || n != nodes.size()) {
            throw refused(from, n + " nodes, expected " + nodes.size() + " for partitions " + describe(from.task()));
        }
        for (int i = 0; i < n; i++) {
            SumTree.Node node = nodes.get(i);
            if (p.nodeLo[i] != node.lo() || p.nodeHi[i] != node.hi()) {
                throw refused(
                        from,
                        "node [" + p.nodeLo[i] + ", " + p.nodeHi[i] + ") is not [" + node.lo() + ", " + node.hi()
                                + "), which its partitions " + describe(from.task()) + " send");
            }
            if (slices != null) continue;
            long bytes = p.gradients[i].bytes().length;
            if (bytes != gradientBytes(node)) {
                throw refused(
                        from,
                        String.format(
                                Locale.ROOT,
                                "gradient of node [%d, %d) has %,d bytes, expected %,d (%,d parameters)",
                                node.lo(),
                                node.hi(),
                                bytes,
                                gradientBytes(node),
                                parameterCount));
            }
        }
        if (slices != null && (p.slice == null || p.slice.bytes().length != sliceBytes(from.task()))) {
            throw refused(from, "no slice, or one of another length than " + sliceBytes(from.task()) + " bytes");
        }
        if (slices == null && p.slice != null) throw refused(from, "a slice where whole gradients were expected");
        if (p.rows < 0 || p.rows > batchRows || p.correct < 0 || p.correct > p.rows) {
            throw refused(from, p.rows + " rows, " + p.correct + " right, in a batch of " + batchRows);
        }
    }

    /** The task of {@code from}, checked to be one of the epoch's. */
    int checkTask(TaskAttempt from) {
        if (from.task() >= layout.tasks()) throw refused(from, "no such task: the epoch has " + layout.tasks());
        return from.task();
    }

    private String describe(int task) {
        return layout.first(task) + ".." + (layout.end(task) - 1) + " of " + layout.partitions();
    }

    static IllegalArgumentException refused(TaskAttempt from, String why) {
        return new IllegalArgumentException("answer of " + from + ": " + why);
    }
}
