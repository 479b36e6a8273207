package dev.lockstep.train.step;

import dev.lockstep.data.RowBlock;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Mlp;
import dev.lockstep.train.rows.PartitionJob;
import dev.lockstep.train.rows.PartitionLayout;
import dev.lockstep.train.sum.WirePrecision;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;

/** Scores every row of a task's partitions, side by side: per partition, summed loss and confusion counts. */
final class EvaluationTask extends PartitionJob<RowBlock, Evaluation[]> {
    private static final long serialVersionUID = 2L;

    private final ShippedParameters parameters; // float32: a score is of the exact weights
    private final Architecture arch;
    private final InputTransform input;
    private final PartitionLayout layout;

    EvaluationTask(ShippedParameters parameters, Architecture arch, InputTransform input, PartitionLayout layout) {
        this.parameters = parameters;
        this.arch = arch;
        this.input = input;
        this.layout = layout;
    }

    @Override
    protected Evaluation[] call(Iterator<RowBlock> blocks) {
        List<List<RowBlock>> partitions = layout.split(TaskContext.getPartitionId(), blocks);
        byte[] encoded = parameters.bytes();
        return PartitionThreads.map(partitions.size(), i -> score(partitions.get(i), encoded))
                .toArray(new Evaluation[0]);
    }

    private Evaluation score(List<RowBlock> blocks, byte[] encoded) {
        Mlp mlp = Workspaces.forThread(arch).load(encoded, WirePrecision.FLOAT32);
        int classes = arch.outputSize();
        int features = arch.inputSize();
        long[] confusion = new long[classes * classes];
        int[] labels = new int[mlp.maxBatch()];
        double loss = 0;
        for (RowBlock block : blocks) {
            for (int start = 0; start < block.count(); start += mlp.maxBatch()) {
                int n = Math.min(mlp.maxBatch(), block.count() - start);
                for (int r = 0; r < n; r++) {
                    input.copy(block, start + r, block.firstRow() + start + r, 0, mlp.input(), r * features);
                    labels[r] = block.label(start + r);
                }
                loss += mlp.score(n, labels, confusion);
            }
        }
        return new Evaluation(classes, loss, confusion);
    }
}
