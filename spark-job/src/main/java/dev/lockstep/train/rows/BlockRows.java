package dev.lockstep.train.rows;

import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Rows the driver has read as one block of any features (CSV rows of numbers for a model that does not take images),
 * shipped as {@link InMemoryRows} ships images: one broadcast, from which each partition cuts its own blocks.
 */
public final class BlockRows implements RowSource {
    private final RowBlock rows;
    private final String source;
    private final int maxLabel;
    private Broadcast<RowBlock> broadcast;

    /** @param rows all the rows, the first being row 0 */
    public BlockRows(RowBlock rows, String source) {
        if (rows.firstRow() != 0) throw new IllegalArgumentException("the rows must start at row 0");
        this.rows = rows;
        this.source = source;
        int max = 0;
        for (int i = 0; i < rows.count(); i++) max = Math.max(max, rows.label(i));
        this.maxLabel = max;
    }

    @Override
    public long count() {
        return rows.count();
    }

    @Override
    public int height() {
        return 1;
    }

    @Override
    public int width() {
        return rows.features();
    }

    @Override
    public boolean byteFeatures() {
        return rows.isBytes();
    }

    @Override
    public int maxLabel() {
        return maxLabel;
    }

    @Override
    public String describe() {
        return source;
    }

    @Override
    public String fingerprint() {
        CRC32C crc = new CRC32C();
        for (int i = 0; i < rows.count(); i++) {
            int label = rows.label(i);
            crc.update(label);
            crc.update(label >>> 8);
            for (int f = 0; f < rows.features(); f++) {
                int bits = Float.floatToIntBits(rows.raw(i, f));
                for (int s = 0; s < 32; s += 8) crc.update(bits >>> s);
            }
        }
        return String.format("crc32c:%08x/%d", crc.getValue(), rows.count());
    }

    @Override
    public JavaRDD<RowBlock> blocks(JavaSparkContext sc, int partitions) {
        if (broadcast == null) broadcast = sc.broadcast(rows);
        Broadcast<RowBlock> all = broadcast;
        List<Integer> ids = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) ids.add(p);
        return sc.parallelize(ids, partitions)
                .mapPartitionsWithIndex(
                        (p, ignored) -> partition(all.value(), p, partitions).iterator(), true);
    }

    /** Partition p's rows as blocks cut as {@link RowBlocks} cuts any rows. */
    static List<RowBlock> partition(RowBlock all, int p, int partitions) {
        long[] bounds = RowBlocks.partitionBounds(all.count(), partitions);
        long[] cuts = RowBlocks.blockBounds(bounds[p], bounds[p + 1], RowBlocks.DEFAULT_BLOCK_ROWS);
        List<RowBlock> out = new ArrayList<>(cuts.length - 1);
        int features = all.features();
        for (int b = 0; b + 1 < cuts.length; b++) {
            int from = (int) cuts[b], count = (int) (cuts[b + 1] - cuts[b]);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = all.label(from + i);
            if (all.isBytes()) {
                byte[] v = new byte[count * features];
                System.arraycopy(all.bytes(), from * features, v, 0, v.length);
                out.add(RowBlock.ofBytes(from, count, features, v, labels));
            } else {
                float[] v = new float[count * features];
                System.arraycopy(all.floats(), from * features, v, 0, v.length);
                out.add(RowBlock.ofFloats(from, count, features, v, labels));
            }
        }
        return out;
    }

    /** Once the blocks are cached, executors drop their copy of the whole; the driver keeps it for recomputation. */
    @Override
    public void afterCaching() {
        if (broadcast != null) broadcast.unpersist(false);
    }

    @Override
    public void close() {
        if (broadcast != null) {
            broadcast.destroy();
            broadcast = null;
        }
    }
}
