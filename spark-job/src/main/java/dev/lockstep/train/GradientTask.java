package dev.lockstep.train;

import dev.lockstep.data.RowBlock;
import dev.lockstep.nn.Architecture;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;

/**
 * What each task runs in one step: decode the shipped parameters, {@link BatchGradient} for each of its
 * partitions (side by side, {@link PartitionThreads}), and the sums of the {@link SumTree} nodes it covers.
 */
final class GradientTask extends PartitionJob<RowBlock, PartialGradient> {
    private static final long serialVersionUID = 2L;

    private final ShippedParameters parameters;
    private final Architecture arch;
    private final WirePrecision wire;
    private final int[] batchRows;
    private final int epoch;
    private final InputTransform input;
    private final PartitionLayout layout;
    private final long exchange;

    /** @param exchange where to hold the result in this JVM ({@link ExchangedBytes}), or 0 to send it back */
    GradientTask(ShippedParameters parameters, Architecture arch, WirePrecision wire, int[] batchRows, int epoch,
                 InputTransform input, PartitionLayout layout, long exchange) {
        this.parameters = parameters;
        this.arch = arch;
        this.wire = wire;
        this.batchRows = batchRows;
        this.epoch = epoch;
        this.input = input;
        this.layout = layout;
        this.exchange = exchange;
    }

    /**
     * One partition's gradient and counts. The gradient is the thread's own workspace array on the task's thread,
     * a copy on a pool thread (whose workspace the next task may take at once); rounded to the wire's precision
     * when it is to be added here, encoded for the wire when it travels alone.
     */
    private record Leaf(float[] gradient, byte[] encoded, BatchGradient counts) {}

    @Override
    PartialGradient call(Iterator<RowBlock> blocks) {
        long startMicros = WallClock.micros();
        long start = System.nanoTime();
        int task = TaskContext.getPartitionId();
        List<List<RowBlock>> partitions = layout.split(task, blocks);
        byte[] encoded = parameters.bytes();
        long fetched = System.nanoTime();
        boolean alone = partitions.size() == 1;
        List<Leaf> leaves = PartitionThreads.map(partitions.size(), i -> {
            Workspaces.Workspace ws = Workspaces.forThread(arch);
            ws.load(encoded, wire);
            Arrays.fill(ws.gradient, 0f);
            BatchGradient g = BatchGradient.accumulate(partitions.get(i).iterator(), ws.mlp, batchRows, epoch, input, ws.gradient);
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
            byte[] bytes = alone ? leaves.get(0).encoded()
                    : node.isLeaf() ? wire.encode(leaves.get(node.lo() - first).gradient())
                    : WirePrecision.FLOAT32.encode(SumTree.combine(node, sums, NodeSum::plus).toArray());
            lo[n] = node.lo();
            hi[n] = node.hi();
            gradients[n] = exchange == 0 ? ExchangedBytes.inline(bytes) : ExchangedBytes.hold(exchange, node.lo(), bytes);
            nodeLosses[n] = SumTree.combine(node, losses, SumTree::add);
        }
        long done = System.nanoTime();
        return new PartialGradient(lo, hi, gradients, nodeLosses, rows, correct, fetched - start, done - fetched, startMicros, WallClock.micros());
    }
}
