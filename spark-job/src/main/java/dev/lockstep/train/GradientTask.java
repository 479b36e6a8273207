package dev.lockstep.train;

import dev.lockstep.data.RowBlock;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Mlp;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * What each partition runs in one step: find the step's rows it owns (binary search in the sorted batch, so
 * the cost is the batch share, not the partition size), assemble them into the network's input, and return the
 * summed gradient.
 */
final class GradientTask implements FlatMapFunction<Iterator<RowBlock>, PartialGradient> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<float[]> parameters;
    private final Architecture arch;
    private final int[] batchRows;
    private final int epoch;
    private final InputTransform input;

    GradientTask(Broadcast<float[]> parameters, Architecture arch, int[] batchRows, int epoch, InputTransform input) {
        this.parameters = parameters;
        this.arch = arch;
        this.batchRows = batchRows;
        this.epoch = epoch;
        this.input = input;
    }

    @Override
    public Iterator<PartialGradient> call(Iterator<RowBlock> blocks) {
        long start = System.nanoTime();
        float[] params = parameters.value();
        long fetched = System.nanoTime();
        Mlp mlp = Workspaces.forThread(arch);
        mlp.setParameters(params);
        float[] gradient = new float[arch.parameterCount()];
        byte[] labels = new byte[mlp.maxBatch()];
        int features = arch.inputSize();
        double loss = 0;
        int total = 0;
        int correct = 0;
        int filled = 0;
        while (blocks.hasNext()) {
            RowBlock block = blocks.next();
            int from = lowerBound(batchRows, block.firstRow());
            int to = lowerBound(batchRows, block.firstRow() + block.count());
            for (int i = from; i < to; i++) {
                int local = (int) (batchRows[i] - block.firstRow());
                input.copy(block.pixels(), local * features, batchRows[i], epoch, mlp.input(), filled * features);
                labels[filled++] = block.labels()[local];
                if (filled == mlp.maxBatch()) {
                    loss += mlp.accumulateGradient(filled, labels, gradient);
                    correct += mlp.lastCorrect();
                    total += filled;
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            loss += mlp.accumulateGradient(filled, labels, gradient);
            correct += mlp.lastCorrect();
            total += filled;
        }
        long done = System.nanoTime();
        return Collections.singletonList(new PartialGradient(gradient, loss, total, correct, fetched - start, done - fetched)).iterator();
    }

    static int lowerBound(int[] sorted, long key) {
        int i = Arrays.binarySearch(sorted, (int) Math.min(key, Integer.MAX_VALUE));
        if (i < 0) return -i - 1;
        while (i > 0 && sorted[i - 1] == key) i--;
        return i;
    }
}
