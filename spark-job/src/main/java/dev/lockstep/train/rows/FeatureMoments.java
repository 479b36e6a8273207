package dev.lockstep.train.rows;

import dev.lockstep.data.RowBlock;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Per-feature count, mean and sum of squared deviations of a set of rows, in double: what a standardization is
 * fitted from. Each partition's moments are accumulated row by row in row order (Welford's update), and the
 * partitions' moments are merged on the driver in partition order (Chan et al.'s pairwise formula), so the result
 * depends only on the rows and the partition count, never on tasks, threads or executors.
 */
public final class FeatureMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    private long count;
    private final double[] mean;
    private final double[] m2;

    FeatureMoments(int features) {
        this.mean = new double[features];
        this.m2 = new double[features];
    }

    /** The moments of the cached rows, fitted partition by partition as the class comment says. */
    public static FeatureMoments of(JavaSparkContext sc, CachedRows rows, int features) {
        PartitionLayout layout = rows.layout();
        FeatureMoments total = new FeatureMoments(features);
        for (FeatureMoments[] task : PartitionJob.of(
                        (Iterator<RowBlock> blocks) -> perPartition(layout, features, blocks))
                .runOn(sc, rows.rdd(), FeatureMoments[].class)) {
            for (FeatureMoments partition : task) total.merge(partition);
        }
        return total;
    }

    private static FeatureMoments[] perPartition(PartitionLayout layout, int features, Iterator<RowBlock> blocks) {
        List<List<RowBlock>> partitions = layout.split(TaskContext.getPartitionId(), blocks);
        FeatureMoments[] out = new FeatureMoments[partitions.size()];
        for (int p = 0; p < out.length; p++) {
            out[p] = new FeatureMoments(features);
            for (RowBlock block : partitions.get(p)) out[p].add(block);
        }
        return out;
    }

    /** Adds every row of {@code block}, in order. */
    void add(RowBlock block) {
        int features = mean.length;
        if (block.features() != features) {
            throw new IllegalArgumentException(block + " does not have " + features + " features");
        }
        for (int r = 0; r < block.count(); r++) {
            count++;
            for (int f = 0; f < features; f++) {
                double x = block.raw(r, f);
                double d = x - mean[f];
                mean[f] += d / count;
                m2[f] += d * (x - mean[f]);
            }
        }
    }

    /** Adds the rows {@code other} summarises, as if they followed this one's. */
    void merge(FeatureMoments other) {
        if (other.count == 0) return;
        if (count == 0) {
            count = other.count;
            System.arraycopy(other.mean, 0, mean, 0, mean.length);
            System.arraycopy(other.m2, 0, m2, 0, m2.length);
            return;
        }
        long n = count + other.count;
        for (int f = 0; f < mean.length; f++) {
            double d = other.mean[f] - mean[f];
            mean[f] += d * other.count / n;
            m2[f] += other.m2[f] + d * d * ((double) count * other.count / n);
        }
        count = n;
    }

    public long count() {
        return count;
    }

    /** The mean of each feature (0 for no rows). */
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The population standard deviation of each feature (divided by the row count, not count - 1: the spread of
     * exactly these rows), 0 for no rows.
     */
    public double[] std() {
        double[] s = new double[mean.length];
        if (count > 0) for (int f = 0; f < s.length; f++) s[f] = Math.sqrt(Math.max(0, m2[f]) / count);
        return s;
    }
}
