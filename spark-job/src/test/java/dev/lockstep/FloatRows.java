package dev.lockstep;

import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import dev.lockstep.train.rows.RowSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Rows of float features that are not pictures, held in the driver and shipped with each partition's task: small
 * test data. {@link #clusters} makes a seeded set of well-separated classes with features in the thousands.
 */
public final class FloatRows implements RowSource {
    private final float[] values;
    private final int[] labels;
    private final int features;

    public FloatRows(float[] values, int[] labels, int features) {
        if (values.length != (long) labels.length * features) throw new IllegalArgumentException("misfit arrays");
        this.values = values;
        this.labels = labels;
        this.features = features;
    }

    /**
     * {@code rows} rows of {@code classes} classes: feature f of a row of class c is {@code base[f] + spread[f] *
     * (centre[c][f] + noise)}, with bases of 1,000 to 5,000, spreads of 10 to 100 and standard normal noise and
     * centres: unusable as they are by a network whose weights start near 0, easy once standardized.
     */
    public static FloatRows clusters(long seed, int rows, int features, int classes) {
        Random r = new Random(seed);
        double[] base = new double[features];
        double[] spread = new double[features];
        for (int f = 0; f < features; f++) {
            base[f] = 1000 + 4000 * r.nextDouble();
            spread[f] = 10 + 90 * r.nextDouble();
        }
        double[][] centre = new double[classes][features];
        for (double[] c : centre) for (int f = 0; f < features; f++) c[f] = 1.5 * r.nextGaussian();
        float[] values = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(classes);
            for (int f = 0; f < features; f++) {
                values[i * features + f] = (float) (base[f] + spread[f] * (centre[labels[i]][f] + r.nextGaussian()));
            }
        }
        return new FloatRows(values, labels, features);
    }

    /** The raw value of feature {@code f} of row {@code row}. */
    public float value(int row, int f) {
        return values[row * features + f];
    }

    /** Rows [from, to). */
    public FloatRows slice(int from, int to) {
        return new FloatRows(
                Arrays.copyOfRange(values, from * features, to * features),
                Arrays.copyOfRange(labels, from, to),
                features);
    }

    @Override
    public long count() {
        return labels.length;
    }

    @Override
    public int height() {
        return 1;
    }

    @Override
    public int width() {
        return features;
    }

    @Override
    public boolean byteFeatures() {
        return false;
    }

    @Override
    public int maxLabel() {
        return Arrays.stream(labels).max().orElse(0);
    }

    @Override
    public String describe() {
        return "generated float rows";
    }

    @Override
    public String fingerprint() {
        CRC32C crc = new CRC32C();
        for (float v : values) crc.update(Float.floatToRawIntBits(v));
        for (int l : labels) crc.update(l);
        return String.format("crc32c:%08x/%d", crc.getValue(), labels.length);
    }

    @Override
    public JavaRDD<RowBlock> blocks(JavaSparkContext sc, int partitions) {
        float[] v = values;
        int[] l = labels;
        int n = features;
        long[] bounds = RowBlocks.partitionBounds(l.length, partitions);
        List<Integer> ids = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) ids.add(p);
        return sc.parallelize(ids, partitions)
                .mapPartitionsWithIndex(
                        (p, ignored) -> {
                            int from = (int) bounds[p], to = (int) bounds[p + 1];
                            RowBlock b = RowBlock.ofFloats(
                                    from,
                                    to - from,
                                    n,
                                    Arrays.copyOfRange(v, from * n, to * n),
                                    Arrays.copyOfRange(l, from, to));
                            return List.of(b).iterator();
                        },
                        true);
    }
}
