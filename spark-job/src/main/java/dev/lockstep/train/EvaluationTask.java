package dev.lockstep.train;

import dev.lockstep.data.RowBlock;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Mlp;
import java.util.Iterator;

/** Scores every row of a partition: summed loss, row count and confusion counts. */
final class EvaluationTask extends PartitionJob<RowBlock, Evaluation> {
    private static final long serialVersionUID = 1L;

    private final ShippedParameters parameters; // float32: a score is of the exact weights
    private final Architecture arch;
    private final InputTransform input;

    EvaluationTask(ShippedParameters parameters, Architecture arch, InputTransform input) {
        this.parameters = parameters;
        this.arch = arch;
        this.input = input;
    }

    @Override
    Evaluation call(Iterator<RowBlock> blocks) {
        Mlp mlp = Workspaces.forThread(arch).load(parameters.bytes(), WirePrecision.FLOAT32);
        int classes = arch.outputSize();
        int features = arch.inputSize();
        long[] confusion = new long[classes * classes];
        byte[] labels = new byte[mlp.maxBatch()];
        double loss = 0;
        while (blocks.hasNext()) {
            RowBlock block = blocks.next();
            for (int start = 0; start < block.count(); start += mlp.maxBatch()) {
                int n = Math.min(mlp.maxBatch(), block.count() - start);
                for (int r = 0; r < n; r++) {
                    input.copy(block.pixels(), (start + r) * features, block.firstRow() + start + r, 0, mlp.input(), r * features);
                    labels[r] = block.labels()[start + r];
                }
                loss += mlp.score(n, labels, confusion);
            }
        }
        return new Evaluation(classes, loss, confusion);
    }
}
