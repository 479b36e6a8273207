package dev.lockstep.train.step;

import dev.lockstep.data.RowBlock;
import dev.lockstep.nn.Mlp;
import dev.lockstep.train.rows.PartitionLayout;
import java.util.Iterator;

/**
 * The work of one partition in one step, without Spark: find the step's rows the partition owns (binary search
 * in the sorted batch, so the cost is the batch share, not the partition size), assemble them into the network's
 * input chunk by chunk, and add their gradient to a sum. {@link GradientTask} runs it on executors; the benchmark's
 * Spark-free loop runs the very same code on threads.
 */
public final class BatchGradient {
    public double loss;
    public int rows;
    int correct;

    private BatchGradient() {}

    /** Adds the gradient of the rows of {@code batchRows} that lie in {@code blocks} to {@code gradient}. */
    public static BatchGradient accumulate(
            Iterator<RowBlock> blocks, Mlp mlp, int[] batchRows, int epoch, InputTransform input, float[] gradient) {
        BatchGradient g = new BatchGradient();
        int[] labels = new int[mlp.maxBatch()];
        int features = mlp.architecture().inputSize();
        int filled = 0;
        while (blocks.hasNext()) {
            RowBlock block = blocks.next();
            int from = PartitionLayout.lowerBound(batchRows, block.firstRow());
            int to = PartitionLayout.lowerBound(batchRows, block.firstRow() + block.count());
            for (int i = from; i < to; i++) {
                int local = (int) (batchRows[i] - block.firstRow());
                input.copy(block, local, batchRows[i], epoch, mlp.input(), filled * features);
                labels[filled++] = block.label(local);
                if (filled == mlp.maxBatch()) {
                    g.add(mlp, filled, labels, gradient);
                    filled = 0;
                }
            }
        }
        if (filled > 0) g.add(mlp, filled, labels, gradient);
        return g;
    }

    private void add(Mlp mlp, int n, int[] labels, float[] gradient) {
        loss += mlp.accumulateGradient(n, labels, gradient);
        correct += mlp.lastCorrect();
        rows += n;
    }
}
