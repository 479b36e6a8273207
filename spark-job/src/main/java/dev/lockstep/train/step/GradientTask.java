package dev.lockstep.train.step;

import dev.lockstep.data.RowBlock;
import dev.lockstep.train.exchange.PartialGradient;
import dev.lockstep.train.rows.PartitionJob;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;

/** What each task of a one-step job runs: read the shipped parameters, then the step's {@link TaskGradient}. */
final class GradientTask extends PartitionJob<RowBlock, PartialGradient> {
    private static final long serialVersionUID = 3L;

    private final ShippedParameters parameters;
    private final TaskGradient gradient;
    private final int[] batchRows;
    private final int epoch;
    private final long exchange;

    /**
     * @param exchange where to hold the result in this JVM ({@link dev.lockstep.train.exchange.ExchangedBytes}), or 0
     * to send it back
     */
    GradientTask(ShippedParameters parameters, TaskGradient gradient, int[] batchRows, int epoch, long exchange) {
        this.parameters = parameters;
        this.gradient = gradient;
        this.batchRows = batchRows;
        this.epoch = epoch;
        this.exchange = exchange;
    }

    @Override
    protected PartialGradient call(Iterator<RowBlock> blocks) {
        long startMicros = WallClock.micros();
        long start = System.nanoTime();
        int task = TaskContext.getPartitionId();
        List<List<RowBlock>> partitions = gradient.layout().split(task, blocks);
        byte[] encoded = parameters.bytes();
        return gradient.compute(
                task, partitions, encoded, batchRows, epoch, exchange, startMicros, System.nanoTime() - start);
    }
}
