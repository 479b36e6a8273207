package dev.lockstep.data;

import dev.lockstep.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded, learnable tabular classification data for tests: K classes, each a Gaussian cloud around its own random
 * centre in W dimensions, every feature multiplied by a scale (1000 gives features in the thousands). The same
 * arguments always give the same rows, in the same order; labels are balanced (row i has class i mod K before a
 * seeded shuffle), so every class is present.
 */
public final class TabularData {
    /** Centres are this many noise standard deviations apart per feature, on average: learnable, not trivial. */
    private static final double SEPARATION = 1.5;

    private final double[][] values;
    private final int[] labels;
    private final int classes;

    private TabularData(double[][] values, int[] labels, int classes) {
        this.values = values;
        this.labels = labels;
        this.classes = classes;
    }

    /** {@code rows} rows of {@code features} real features, scaled by {@code scale}, labels 0..classes-1. */
    public static TabularData generate(long seed, int rows, int classes, int features, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] centres = new double[classes][features];
        for (double[] c : centres) for (int f = 0; f < features; f++) c[f] = SEPARATION * gaussian(random);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) labels[i] = i % classes;
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        double[][] values = new double[rows][features];
        for (int i = 0; i < rows; i++) {
            for (int f = 0; f < features; f++) values[i][f] = scale * (centres[labels[i]][f] + gaussian(random));
        }
        return new TabularData(values, labels, classes);
    }

    /** The same kind of data with every feature an integer 0-255 (as pixels are): rows Lockstep keeps as bytes. */
    public static TabularData bytes(long seed, int rows, int classes, int features) {
        TabularData real = generate(seed, rows, classes, features, 1);
        for (double[] row : real.values) {
            for (int f = 0; f < row.length; f++) row[f] = Math.max(0, Math.min(255, Math.round(128 + 40 * row[f])));
        }
        return real;
    }

    /** This data with a seeded {@code fraction} of the features set to exactly 0: what sparse vectors are for. */
    public TabularData withZeros(long seed, double fraction) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] copy = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            copy[i] = values[i].clone();
            for (int f = 0; f < copy[i].length; f++) if (random.nextDouble() < fraction) copy[i][f] = 0;
        }
        return new TabularData(copy, labels.clone(), classes);
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller on the seeded stream: java.util.Random's nextGaussian would need a second generator.
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    public int rows() {
        return labels.length;
    }

    public int classes() {
        return classes;
    }

    public int features() {
        return values.length == 0 ? 0 : values[0].length;
    }

    public int label(int row) {
        return labels[row];
    }

    public double value(int row, int feature) {
        return values[row][feature];
    }

    /** A copy of row {@code row}'s features. */
    public double[] row(int row) {
        return values[row].clone();
    }

    /** The suite's SparkSession, on {@link SharedSpark}'s context. */
    public static SparkSession spark() {
        return SparkSession.builder().sparkContext(SharedSpark.context().sc()).getOrCreate();
    }

    /** {@code features} as dense ML vectors and {@code label} as a double: what VectorAssembler and MLlib use. */
    public Dataset<Row> vectorFrame(SparkSession spark) {
        return frame(spark, false);
    }

    /**
     * These rows as vector frames in two Parquet files of one part each, so that a reader sees them in this order:
     * the first {@code trainRows} at {@code train}, the rest at {@code test}.
     */
    public void writeParquet(SparkSession spark, String train, String test, int trainRows) {
        Dataset<Row> all = vectorFrame(spark).coalesce(1);
        all.limit(trainRows).write().parquet(train);
        all.except(all.limit(trainRows)).write().parquet(test);
    }

    /** As {@link #vectorFrame}, with every row a sparse vector (its zeros not stored). */
    public Dataset<Row> sparseFrame(SparkSession spark) {
        return frame(spark, true);
    }

    private Dataset<Row> frame(SparkSession spark, boolean sparse) {
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        List<Row> rows = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            Vector v = Vectors.dense(values[i].clone());
            rows.add(RowFactory.create(sparse ? v.toSparse() : v, (double) labels[i]));
        }
        return spark.createDataFrame(rows, schema);
    }

    /** {@code features} as {@code array<double>} and {@code label} as an int. */
    public Dataset<Row> arrayFrame(SparkSession spark) {
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                .add("label", DataTypes.IntegerType, false);
        List<Row> rows = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            List<Double> row = new ArrayList<>(values[i].length);
            for (double x : values[i]) row.add(x);
            rows.add(RowFactory.create(row.toArray(new Double[0]), labels[i]));
        }
        return spark.createDataFrame(rows, schema);
    }
}
