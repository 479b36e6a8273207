package dev.lockstep.train.rows;

import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Rows the driver has read (IDX, CSV). They reach the executors as one broadcast, from which each partition cuts
 * its own blocks. Not {@code parallelize(blocks)}: a ParallelCollectionRDD's partitions carry their data, and
 * every task of every step would ship it again (megabytes per task) even after the RDD is cached.
 */
public final class InMemoryRows implements RowSource {
    private final LabeledImages data;
    private final int maxLabel;
    private Broadcast<Payload> broadcast;

    public InMemoryRows(LabeledImages data) {
        this.data = data;
        int max = 0;
        for (int i = 0; i < data.count(); i++) max = Math.max(max, data.label(i));
        this.maxLabel = max;
    }

    @Override
    public long count() {
        return data.count();
    }

    @Override
    public int height() {
        return data.rows();
    }

    @Override
    public int width() {
        return data.cols();
    }

    @Override
    public int maxLabel() {
        return maxLabel;
    }

    @Override
    public String describe() {
        return data.source();
    }

    @Override
    public String fingerprint() {
        CRC32C crc = new CRC32C();
        crc.update(data.labels());
        crc.update(data.pixels());
        return String.format("crc32c:%08x/%d", crc.getValue(), data.count());
    }

    @Override
    public JavaRDD<RowBlock> blocks(JavaSparkContext sc, int partitions) {
        if (broadcast == null) {
            broadcast =
                    sc.broadcast(new Payload(data.rows(), data.cols(), data.pixels(), data.labels(), data.source()));
        }
        Broadcast<Payload> rows = broadcast;
        List<Integer> ids = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) ids.add(p);
        return sc.parallelize(ids, partitions)
                .mapPartitionsWithIndex(
                        (p, ignored) -> RowBlocks.partition(
                                        rows.value().images(), p, partitions, RowBlocks.DEFAULT_BLOCK_ROWS)
                                .iterator(),
                        true);
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

    /**
     * What the executors need to rebuild the dataset: its arrays, shared without copying on the driver. A class,
     * not a record: Kryo, a common cluster serializer, cannot build records.
     */
    static final class Payload implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int rows;
        private final int cols;
        private final byte[] pixels;
        private final byte[] labels;
        private final String source;

        Payload(int rows, int cols, byte[] pixels, byte[] labels, String source) {
            this.rows = rows;
            this.cols = cols;
            this.pixels = pixels;
            this.labels = labels;
            this.source = source;
        }

        LabeledImages images() {
            return new LabeledImages(rows, cols, pixels, labels, source);
        }
    }
}
