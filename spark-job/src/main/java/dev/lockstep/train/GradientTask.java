package dev.lockstep.train;

import dev.lockstep.data.RowBlock;
import dev.lockstep.nn.Architecture;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.TaskContext;

/** What each partition runs in one step: decode the shipped parameters, {@link BatchGradient}, encode the sum. */
final class GradientTask extends PartitionJob<RowBlock, PartialGradient> {
    private static final long serialVersionUID = 1L;

    private final ShippedParameters parameters;
    private final Architecture arch;
    private final WirePrecision wire;
    private final int[] batchRows;
    private final int epoch;
    private final InputTransform input;
    private final long exchange;

    /** @param exchange where to hold the result in this JVM ({@link ExchangedBytes}), or 0 to send it back */
    GradientTask(ShippedParameters parameters, Architecture arch, WirePrecision wire, int[] batchRows, int epoch,
                 InputTransform input, long exchange) {
        this.parameters = parameters;
        this.arch = arch;
        this.wire = wire;
        this.batchRows = batchRows;
        this.epoch = epoch;
        this.input = input;
        this.exchange = exchange;
    }

    @Override
    PartialGradient call(Iterator<RowBlock> blocks) {
        long startMicros = WallClock.micros();
        long start = System.nanoTime();
        byte[] encoded = parameters.bytes();
        long fetched = System.nanoTime();
        Workspaces.Workspace ws = Workspaces.forThread(arch);
        ws.load(encoded, wire);
        Arrays.fill(ws.gradient, 0f);
        BatchGradient g = BatchGradient.accumulate(blocks, ws.mlp, batchRows, epoch, input, ws.gradient);
        byte[] encodedSum = wire.encode(ws.gradient);
        ExchangedBytes sum = exchange == 0 ? ExchangedBytes.inline(encodedSum)
                : ExchangedBytes.hold(exchange, TaskContext.getPartitionId(), encodedSum);
        long done = System.nanoTime();
        return new PartialGradient(sum, g.loss, g.rows, g.correct, fetched - start, done - fetched, startMicros, WallClock.micros());
    }
}
