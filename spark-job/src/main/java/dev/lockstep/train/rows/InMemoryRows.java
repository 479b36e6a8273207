package dev.lockstep.train.rows;

import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Rows the driver has read (IDX, CSV images, or CSV rows of numbers for a model that does not take images), held as
 * one {@link RowBlock}. They reach the executors as one broadcast, from which each partition cuts its own blocks.
 * Not {@code parallelize(blocks)}: a ParallelCollectionRDD's partitions carry their data, and every task of every
 * step would ship it again (megabytes per task) even after the RDD is cached.
 */
public final class InMemoryRows implements RowSource {
    private final RowBlock rows;
    private final boolean image;
    private final int height;
    private final int width;
    private final String source;
    private final int maxLabel;
    private Broadcast<RowBlock> broadcast;

    /** Image rows; shares the images' arrays (no copy). */
    public InMemoryRows(LabeledImages data) {
        this(
                new RowBlock(0, data.count(), data.features(), data.pixels(), data.labels()),
                true,
                data.rows(),
                data.cols(),
                data.source());
    }

    /** Rows that are not pictures (height 1, width the feature count), byte or float; the first must be row 0. */
    public static InMemoryRows of(RowBlock rows, String source) {
        return new InMemoryRows(rows, false, 1, rows.features(), source);
    }

    private InMemoryRows(RowBlock rows, boolean image, int height, int width, String source) {
        if (rows.firstRow() != 0) throw new IllegalArgumentException("the rows must start at row 0");
        this.rows = rows;
        this.image = image;
        this.height = height;
        this.width = width;
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
        return height;
    }

    @Override
    public int width() {
        return width;
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

    /**
     * Images keep the fingerprint they always had (the CRC of the label bytes, then of the pixels), which checkpoints
     * record; other rows hash each label's two low bytes and each value's float bits.
     */
    @Override
    public String fingerprint() {
        CRC32C crc = new CRC32C();
        if (image) {
            for (int i = 0; i < rows.count(); i++) crc.update(rows.label(i));
            crc.update(rows.bytes());
        } else {
            for (int i = 0; i < rows.count(); i++) {
                int label = rows.label(i);
                crc.update(label);
                crc.update(label >>> 8);
                for (int f = 0; f < rows.features(); f++) {
                    int bits = Float.floatToIntBits(rows.raw(i, f));
                    for (int s = 0; s < 32; s += 8) crc.update(bits >>> s);
                }
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

    /**
     * Partition p's rows as blocks cut as {@link RowBlocks} cuts any rows: for images, the very blocks of
     * {@link RowBlocks#partition(LabeledImages, int, int, int)}.
     */
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

    /**
     * Once the blocks are cached, executors drop their copy of the whole dataset; the driver keeps it, so a lost
     * partition can still be rebuilt from it.
     */
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
