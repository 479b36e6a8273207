package dev.lockstep.versus;

import dev.lockstep.data.DataFiles;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.io.Json;
import dev.lockstep.ml.LockstepClassifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark MLlib's {@code MultilayerPerceptronClassifier} and {@code LockstepClassifier} side by side, in one JVM and one
 * run, on the same cached DataFrames and the same {@code layers}: Fashion-MNIST (pixels / 255) and a seeded tabular
 * set ({@link SyntheticTable}). For each: test accuracy, training seconds, examples per second, and how long Lockstep
 * takes to reach MLlib's final accuracy. Run by {@code bench/versus-mllib.sh}; the figures are in BENCHMARKS.md.
 */
public final class VersusMllib {
    private static final long SEED = 1;

    private VersusMllib() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        String fashion = opts.getOrDefault("--fashion", "../shared/data/fashion-mnist");
        String out = opts.getOrDefault("--out", "versus-mllib.json");
        String master = opts.getOrDefault("--master", "local[2]");
        int mllibIterations = Integer.parseInt(opts.getOrDefault("--mllib-iterations", "100"));
        int epochs = Integer.parseInt(opts.getOrDefault("--epochs", "10"));
        int tableRows = Integer.parseInt(opts.getOrDefault("--table-rows", "50000"));
        int tableClasses = Integer.parseInt(opts.getOrDefault("--table-classes", "8"));

        SparkSession spark = SparkSession.builder()
                .master(master)
                .appName("lockstep versus mllib")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("started", Instant.now().toString());
        report.put("master", master);
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("mllib_iterations", mllibIterations);
        report.put("lockstep_epochs", epochs);

        Configuration hadoop = sc.hadoopConfiguration();
        DataFiles files = DataFiles.resolve(hadoop, fashion, null, null);
        Dataset<Row> fashionTrain = images(spark, sc, files.loadTrain(hadoop));
        Dataset<Row> fashionTest = images(spark, sc, files.loadTest(hadoop).orElseThrow());
        int[] fashionLayers = {784, 256, 128, 10};

        SyntheticTable table = new SyntheticTable(tableClasses, SEED);
        Dataset<Row> tableTrain = table(spark, sc, table.rows(tableRows, 2));
        Dataset<Row> tableTest = table(spark, sc, table.rows(tableRows / 5, 3));
        int[] tableLayers = {SyntheticTable.FEATURES, 128, 64, tableClasses};

        warmUp(spark, fashionTrain, fashionLayers);
        report.put(
                "fashion_mnist",
                compare("Fashion-MNIST", fashionTrain, fashionTest, fashionLayers, mllibIterations, epochs, false));
        report.put(
                "synthetic_table",
                compare("synthetic table", tableTrain, tableTest, tableLayers, mllibIterations, epochs, true));
        report.put("finished", Instant.now().toString());
        Files.writeString(Path.of(out), Json.pretty(report) + "\n", StandardCharsets.UTF_8);
        System.out.println("[versus] written " + out);
        spark.stop();
    }

    /**
     * One data set: MLlib's full run, Lockstep's full run, then Lockstep runs of 1, 2, ... epochs until one reaches
     * MLlib's final accuracy (each a complete shorter run: its schedule spans its own epochs).
     *
     * @param scaleForMllib give MLlib a StandardScaler stage (timed with it): sigmoid units saturate on raw features
     *     in the thousands, and a Spark user would scale them; Lockstep standardizes by itself
     */
    private static Map<String, Object> compare(
            String name,
            Dataset<Row> train,
            Dataset<Row> test,
            int[] layers,
            int mllibIterations,
            int epochs,
            boolean scaleForMllib) {
        long rows = train.count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train_rows", rows);
        m.put("test_rows", test.count());
        m.put("layers", layers);

        List<PipelineStage> stages = new ArrayList<>();
        String mllibFeatures = "features";
        if (scaleForMllib) {
            stages.add(new StandardScaler()
                    .setInputCol("features")
                    .setOutputCol("scaled")
                    .setWithMean(true)
                    .setWithStd(true));
            mllibFeatures = "scaled";
        }
        stages.add(new MultilayerPerceptronClassifier()
                .setLayers(layers)
                .setFeaturesCol(mllibFeatures)
                .setSeed(SEED)
                .setMaxIter(mllibIterations)
                .setBlockSize(128));
        Pipeline mllib = new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
        Fit mllibFit = timed(() -> mllib.fit(train));
        double mllibAccuracy = accuracy(mllibFit.model, test);
        Map<String, Object> ml = new LinkedHashMap<>();
        ml.put("standard_scaler_stage", scaleForMllib);
        ml.put("iterations", mllibIterations);
        ml.put("train_seconds", mllibFit.seconds);
        ml.put("test_accuracy", mllibAccuracy);
        // L-BFGS passes over every row at least once per iteration (more when its line search evaluates again).
        ml.put("examples_per_second_lower_bound", rows * (double) mllibIterations / mllibFit.seconds);
        m.put("mllib", ml);
        line(name, "MLlib MLP", mllibFit.seconds, mllibAccuracy);

        Fit full = timed(() -> lockstep(layers, epochs).fit(train));
        double fullAccuracy = accuracy(full.model, test);
        Map<String, Object> ls = new LinkedHashMap<>();
        ls.put("epochs", epochs);
        ls.put("train_seconds", full.seconds);
        ls.put("test_accuracy", fullAccuracy);
        ls.put("examples_per_second", rows * (double) epochs / full.seconds);
        line(name, "Lockstep " + epochs + " epochs", full.seconds, fullAccuracy);

        List<Map<String, Object>> shorter = new ArrayList<>();
        Double toMllib = null;
        for (int e = 1; e <= epochs && toMllib == null; e++) {
            int runEpochs = e;
            Fit f = e == epochs ? full : timed(() -> lockstep(layers, runEpochs).fit(train));
            double acc = e == epochs ? fullAccuracy : accuracy(f.model, test);
            shorter.add(Map.of("epochs", e, "train_seconds", f.seconds, "test_accuracy", acc));
            line(name, "Lockstep " + e + " epoch(s)", f.seconds, acc);
            if (acc >= mllibAccuracy) toMllib = f.seconds;
        }
        ls.put("runs_to_mllib_accuracy", shorter);
        ls.put("seconds_to_mllib_accuracy", toMllib);
        m.put("lockstep", ls);
        m.put("accuracy_points_gained", 100 * (fullAccuracy - mllibAccuracy));
        m.put("time_ratio_to_mllib_accuracy", toMllib == null ? null : mllibFit.seconds / toMllib);
        return m;
    }

    private static LockstepClassifier lockstep(int[] layers, int epochs) {
        return new LockstepClassifier().setLayers(layers).setMaxIter(epochs).setSeed(SEED);
    }

    private record Fit(Transformer model, double seconds) {}

    private static Fit timed(Supplier<? extends Transformer> fit) {
        long t0 = System.nanoTime();
        Transformer model = fit.get();
        return new Fit(model, (System.nanoTime() - t0) / 1e9);
    }

    private static double accuracy(Transformer model, Dataset<Row> test) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(test));
    }

    /** Both libraries once on a little data, so that neither pays the JIT's and Spark's first-use costs alone. */
    private static void warmUp(SparkSession spark, Dataset<Row> train, int[] layers) {
        Dataset<Row> few = train.limit(2048).cache();
        few.count();
        new MultilayerPerceptronClassifier()
                .setLayers(layers)
                .setSeed(SEED)
                .setMaxIter(3)
                .fit(few);
        lockstep(layers, 1).fit(few);
        few.unpersist();
    }

    private static void line(String data, String what, double seconds, double accuracy) {
        System.out.printf(Locale.ROOT, "[versus] %-15s %-22s %8.1f s  %6.2f%%%n", data, what, seconds, 100 * accuracy);
    }

    private static final StructType SCHEMA =
            new StructType().add("features", new VectorUDT(), false).add("label", DataTypes.DoubleType, false);

    /** Pixels / 255 as doubles: how a Spark user feeds images to MLlib's MLP. */
    private static Dataset<Row> images(SparkSession spark, JavaSparkContext sc, LabeledImages data) {
        List<Row> rows = new ArrayList<>(data.count());
        int features = data.features();
        byte[] pixels = data.pixels();
        for (int i = 0; i < data.count(); i++) {
            double[] x = new double[features];
            for (int f = 0; f < features; f++) x[f] = (pixels[i * features + f] & 0xFF) / 255.0;
            rows.add(RowFactory.create(Vectors.dense(x), (double) data.label(i)));
        }
        return cached(spark, sc, rows);
    }

    private static Dataset<Row> table(SparkSession spark, JavaSparkContext sc, List<SyntheticTable.Row> data) {
        List<Row> rows = new ArrayList<>(data.size());
        for (SyntheticTable.Row r : data) rows.add(RowFactory.create(Vectors.dense(r.features()), (double) r.label()));
        return cached(spark, sc, rows);
    }

    private static Dataset<Row> cached(SparkSession spark, JavaSparkContext sc, List<Row> rows) {
        Dataset<Row> df = spark.createDataFrame(sc.parallelize(rows, sc.defaultParallelism()), SCHEMA)
                .cache();
        df.count();
        return df;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) m.put(args[i], args[i + 1]);
        return m;
    }
}
