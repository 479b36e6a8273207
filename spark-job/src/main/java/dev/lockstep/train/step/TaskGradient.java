package dev.lockstep.train.step;

import dev.lockstep.data.RowBlock;
import dev.lockstep.nn.Architecture;
import dev.lockstep.train.exchange.ExchangedBytes;
import dev.lockstep.train.exchange.PartialGradient;
import dev.lockstep.train.rows.PartitionLayout;
import dev.lockstep.train.sum.NodeSum;
import dev.lockstep.train.sum.SumTree;
import dev.lockstep.train.sum.WirePrecision;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one task computes in one step, however long the task lives: {@link BatchGradient} for each of its
 * partitions (side by side, {@link PartitionThreads}), then the sums of the {@link SumTree} nodes it covers.
 * {@link GradientTask} runs it once; {@link ResidentTask} once per step of its epoch.
 */
final class TaskGradient implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Architecture arch;
    private final WirePrecision wire;
    private final InputTransform input;
    private final PartitionLayout layout;

    TaskGradient(Architecture arch, WirePrecision wire, InputTransform input, PartitionLayout layout) {
        this.arch = arch;
        this.wire = wire;
        this.input = input;
        this.layout = layout;
    }

    PartitionLayout layout() {
        return layout;
    }

    /**
     * One partition's gradient and counts. The gradient is the thread's own workspace array on the task's thread,
     * a copy on a pool thread (whose workspace the next task may take at once); rounded to the wire's precision
     * when it is to be added here, encoded for the wire when it travels alone.
     */
    private record Leaf(float[] gradient, byte[] encoded, BatchGradient counts) {}

    /**
     * The task's contribution to one step.
     *
     * @param partitions the task's blocks split by partition ({@link PartitionLayout#split})
     * @param encoded the step's parameters at the wire's precision
     * @param exchange where to hold the result in this JVM ({@link ExchangedBytes}), or 0 to carry it inline
     * @param startMicros wall clock when the task took up the step; {@code fetchNanos} what getting the parameters took
     */
    PartialGradient compute(
            int task,
            List<List<RowBlock>> partitions,
            byte[] encoded,
            int[] batchRows,
            int epoch,
            long exchange,
            long startMicros,
            long fetchNanos) {
        long fetched = System.nanoTime();
        boolean alone = partitions.size() == 1;
        List<Leaf> leaves = PartitionThreads.map(partitions.size(), i -> {
            Workspaces.Workspace ws = Workspaces.forThread(arch);
            ws.load(encoded, wire);
            Arrays.fill(ws.gradient, 0f);
            BatchGradient g = BatchGradient.accumulate(
                    partitions.get(i).iterator(), ws.mlp, batchRows, epoch, input, ws.gradient);
            if (alone) return new Leaf(null, wire.encode(ws.gradient), g);
            float[] own = i == 0 ? ws.gradient : ws.gradient.clone();
            wire.round(own);
            return new Leaf(own, null, g);
        });
        int first = layout.first(task);
        Map<SumTree.Node, NodeSum> sums = new HashMap<>();
        Map<SumTree.Node, Double> losses = new HashMap<>();
        int rows = 0;
        int correct = 0;
        for (int i = 0; i < leaves.size(); i++) {
            SumTree.Node leaf = new SumTree.Node(first + i, first + i + 1);
            if (!alone) sums.put(leaf, NodeSum.of(leaves.get(i).gradient()));
            losses.put(leaf, leaves.get(i).counts().loss);
            rows += leaves.get(i).counts().rows;
            correct += leaves.get(i).counts().correct;
        }
        List<SumTree.Node> cover = SumTree.cover(first, layout.end(task), layout.partitions());
        int[] lo = new int[cover.size()];
        int[] hi = new int[cover.size()];
        ExchangedBytes[] gradients = new ExchangedBytes[cover.size()];
        double[] nodeLosses = new double[cover.size()];
        for (int n = 0; n < cover.size(); n++) {
            SumTree.Node node = cover.get(n);
            byte[] bytes = alone
                    ? leaves.get(0).encoded()
                    : node.isLeaf()
                            ? wire.encode(leaves.get(node.lo() - first).gradient())
                            : WirePrecision.FLOAT32.encode(
                                    SumTree.combine(node, sums, NodeSum::plus).toArray());
            lo[n] = node.lo();
            hi[n] = node.hi();
            gradients[n] =
                    exchange == 0 ? ExchangedBytes.inline(bytes) : ExchangedBytes.hold(exchange, node.lo(), bytes);
            nodeLosses[n] = SumTree.combine(node, losses, SumTree::add);
        }
        long done = System.nanoTime();
        return new PartialGradient(
                lo,
                hi,
                gradients,
                nodeLosses,
                rows,
                correct,
                PartialGradient.taskTime(fetchNanos, done - fetched, startMicros, WallClock.micros()));
    }
}
