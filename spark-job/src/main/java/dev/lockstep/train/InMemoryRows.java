package dev.lockstep.train;

import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/** Rows the driver has read (IDX, CSV), shipped to the executors with the tasks that first cache them. */
public final class InMemoryRows implements RowSource {
    private final LabeledImages data;
    private final int maxLabel;

    public InMemoryRows(LabeledImages data) {
        this.data = data;
        int max = 0;
        for (int i = 0; i < data.count(); i++) max = Math.max(max, data.label(i));
        this.maxLabel = max;
    }

    @Override public long count() { return data.count(); }
    @Override public int height() { return data.rows(); }
    @Override public int width() { return data.cols(); }
    @Override public int maxLabel() { return maxLabel; }
    @Override public String describe() { return data.source(); }

    @Override
    public JavaRDD<RowBlock> blocks(JavaSparkContext sc, int partitions) {
        List<List<RowBlock>> byPartition = RowBlocks.byPartition(data, partitions, RowBlocks.DEFAULT_BLOCK_ROWS);
        // parallelize() cuts a list of length P*k into P slices [i*k, (i+1)*k); padding every partition to the same
        // block count k keeps each slice exactly one partition's blocks.
        int k = 0;
        for (List<RowBlock> blocks : byPartition) k = Math.max(k, blocks.size());
        long[] bounds = RowBlocks.partitionBounds(data.count(), partitions);
        List<RowBlock> flat = new ArrayList<>(partitions * k);
        for (int p = 0; p < partitions; p++) {
            List<RowBlock> blocks = byPartition.get(p);
            flat.addAll(blocks);
            for (int i = blocks.size(); i < k; i++) {
                flat.add(new RowBlock(bounds[p + 1], 0, data.features(), new byte[0], new byte[0]));
            }
        }
        return sc.parallelize(flat, partitions);
    }
}
