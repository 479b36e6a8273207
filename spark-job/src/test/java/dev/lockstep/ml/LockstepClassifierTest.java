package dev.lockstep.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.data.TabularData;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimator on the kinds of data it takes, the errors it gives, and its model's arithmetic. */
class LockstepClassifierTest {
    private final SparkSession spark = TabularData.spark();

    /** Few epochs, small batches: enough steps on a few hundred rows to learn well-separated classes. */
    static LockstepClassifier quick(int... layers) {
        return new LockstepClassifier()
                .setLayers(layers)
                .setMaxIter(8)
                .setBlockSize(32)
                .setStepSize(0.01)
                .setNumPartitions(2)
                .setSeed(3);
    }

    static double accuracy(LockstepClassificationModel model, Dataset<Row> df) {
        Dataset<Row> scored = model.transform(df);
        long right = scored.filter(functions.col("prediction").equalTo(functions.col("label")))
                .count();
        return (double) right / scored.count();
    }

    @Test
    void threeClassesAreLearnedAndScored() {
        TabularData data = TabularData.generate(11, 300, 3, 6, 1);
        Dataset<Row> df = data.vectorFrame(spark);
        LockstepClassificationModel model = quick(6, 16, 3).fit(df);
        assertEquals(3, model.numClasses());
        assertEquals(6, model.numFeatures());
        assertFalse(model.model().byteInput());
        assertFalse(model.model().scaling().isUniform(), "float rows are standardized by default");
        Dataset<Row> scored = model.transform(df);
        Row first = scored.first();
        Vector raw = first.getAs("rawPrediction");
        Vector probability = first.getAs("probability");
        assertEquals(3, raw.size());
        assertEquals(1.0, sum(probability), 1e-9);
        assertEquals(raw.argmax(), probability.argmax());
        assertEquals((double) probability.argmax(), first.<Double>getAs("prediction"), 0);
        double acc = accuracy(model, df);
        assertTrue(acc > 0.8, "3-class accuracy " + acc);
    }

    @Test
    void twentySixClassesAreLearned() {
        TabularData data = TabularData.generate(12, 26 * 30, 26, 12, 1);
        Dataset<Row> df = data.vectorFrame(spark);
        LockstepClassificationModel model = quick(12, 48, 26).setMaxIter(12).fit(df);
        assertEquals(26, model.numClasses());
        Vector probability = model.transform(df).first().getAs("probability");
        assertEquals(26, probability.size());
        double acc = accuracy(model, df);
        assertTrue(acc > 0.5, "26-class accuracy " + acc + " (chance 0.04)");
    }

    @Test
    void sparseVectorsAndArraysTrainTheSameModelAsDenseVectors() {
        TabularData data = TabularData.generate(13, 300, 3, 20, 1).withZeros(5, 0.5);
        LockstepClassifier estimator = quick(20, 8, 3);
        MlpModel dense = estimator.fit(data.vectorFrame(spark)).model();
        LockstepClassificationModel sparse = estimator.fit(data.sparseFrame(spark));
        MlpModel arrays = estimator.fit(data.arrayFrame(spark)).model();
        assertEquals(dense, sparse.model(), "sparse rows are the same rows");
        assertEquals(dense, arrays, "array rows are the same rows");

        List<Row> fromSparse = sparse.transform(data.sparseFrame(spark))
                .select("probability", "prediction")
                .collectAsList();
        List<Row> fromDense = sparse.transform(data.vectorFrame(spark))
                .select("probability", "prediction")
                .collectAsList();
        List<Row> fromArrays = sparse.transform(data.arrayFrame(spark))
                .select("probability", "prediction")
                .collectAsList();
        assertEquals(fromDense, fromSparse);
        assertEquals(fromDense, fromArrays);
        double acc = accuracy(sparse, data.sparseFrame(spark));
        assertTrue(acc > 0.6, "accuracy " + acc + " (chance 0.33)");
    }

    @Test
    void arrayFeaturesKeepTheirColumnWhenScored() {
        TabularData data = TabularData.generate(14, 120, 2, 4, 1);
        Dataset<Row> df = data.arrayFrame(spark);
        LockstepClassificationModel model = quick(4, 8, 2).fit(df);
        StructType out = model.transform(df).schema();
        assertEquals(df.schema().apply("features"), out.apply("features"));
        Set<String> columns = Set.of("features", "label", "rawPrediction", "probability", "prediction");
        assertEquals(columns, Set.of(out.fieldNames()));
        assertEquals(columns, Set.of(model.transformSchema(df.schema()).fieldNames()));
    }

    @Test
    void featuresInTheThousandsTrainWithStandardization() {
        TabularData data = TabularData.generate(15, 400, 3, 10, 5000);
        Dataset<Row> df = data.vectorFrame(spark);
        LockstepClassificationModel model = quick(10, 16, 3).fit(df);
        InputScaling scaling = model.model().scaling();
        assertFalse(scaling.isUniform());
        assertTrue(scaling.scale(0) < 1e-2, "a feature in the thousands is scaled down: " + scaling.scale(0));
        double acc = accuracy(model, df);
        assertTrue(acc > 0.8, "accuracy " + acc + " on features in the thousands (chance 0.33)");
    }

    @Test
    void bytesTrainAsPixelsScaledBy255() {
        TabularData data = TabularData.bytes(16, 200, 2, 9);
        LockstepClassificationModel model = quick(9, 8, 2).setAugmentShift(0).fit(data.vectorFrame(spark));
        assertTrue(model.model().byteInput());
        assertEquals(InputScaling.UNIT, model.model().scaling());
    }

    @Test
    void aValidationIndicatorColumnHoldsRowsOutOfTraining() {
        TabularData data = TabularData.generate(17, 300, 3, 5, 1);
        Dataset<Row> df =
                data.vectorFrame(spark).withColumn("held", functions.rand(1).lt(0.2));
        LockstepClassifier estimator = quick(5, 8, 3);
        MlpModel withHoldOut = estimator
                .copy(new org.apache.spark.ml.param.ParamMap())
                .setValidationIndicatorCol("held")
                .fit(df)
                .model();
        MlpModel onTrainingRowsOnly = estimator.fit(df.filter("not held")).model();
        assertEquals(onTrainingRowsOnly, withHoldOut, "validation rows are never trained on");
    }

    @Test
    void aWrongFeatureTypeIsOneClearError() {
        Dataset<Row> df = spark.createDataFrame(
                List.of(RowFactory.create("1,2", 0.0), RowFactory.create("3,4", 1.0)),
                new StructType().add("features", DataTypes.StringType).add("label", DataTypes.DoubleType));
        LockstepException e =
                assertThrows(LockstepException.class, () -> quick(2, 2).fit(df));
        assertOneLine(e, "features column 'features' is string");
    }

    @Test
    void missingLayersAreOneClearError() {
        Dataset<Row> df = TabularData.generate(20, 40, 2, 3, 1).vectorFrame(spark);
        LockstepException e = assertThrows(LockstepException.class, () -> new LockstepClassifier().fit(df));
        assertOneLine(e, "set layers");
    }

    @Test
    void aNaNFeatureIsOneClearError() {
        Dataset<Row> df = frame(
                RowFactory.create(Vectors.dense(1, 2), 0.0),
                RowFactory.create(Vectors.dense(3, Double.NaN), 1.0),
                RowFactory.create(Vectors.dense(5, 6), 1.0));
        LockstepException e = assertThrows(
                LockstepException.class, () -> quick(2, 2).setBlockSize(1).fit(df));
        assertOneLine(e, "row 1: feature 1 is NaN");
    }

    @Test
    void aLabelThatIsNotAClassNumberIsOneClearError() {
        Dataset<Row> fraction =
                frame(RowFactory.create(Vectors.dense(1, 2), 0.0), RowFactory.create(Vectors.dense(3, 4), 1.5));
        assertOneLine(
                assertThrows(
                        LockstepException.class,
                        () -> quick(2, 2).setBlockSize(1).fit(fraction)),
                "label 1.5 is not a class number");
        Dataset<Row> negative =
                frame(RowFactory.create(Vectors.dense(1, 2), -1.0), RowFactory.create(Vectors.dense(3, 4), 1.0));
        assertOneLine(
                assertThrows(
                        LockstepException.class,
                        () -> quick(2, 2).setBlockSize(1).fit(negative)),
                "row 0: label -1");
    }

    @Test
    void aLabelBeyondTheLayersIsOneClearError() {
        Dataset<Row> df =
                frame(RowFactory.create(Vectors.dense(1, 2), 0.0), RowFactory.create(Vectors.dense(3, 4), 4.0));
        assertOneLine(
                assertThrows(
                        LockstepException.class,
                        () -> quick(2, 3).setBlockSize(1).fit(df)),
                "label 4 but layers ends with 3 classes");
    }

    @Test
    void aWidthThatDoesNotMatchTheLayersIsOneClearError() {
        Dataset<Row> df =
                frame(RowFactory.create(Vectors.dense(1, 2), 0.0), RowFactory.create(Vectors.dense(3, 4), 1.0));
        assertOneLine(
                assertThrows(
                        LockstepException.class,
                        () -> quick(3, 2).setBlockSize(1).fit(df)),
                "2 features per row");
        LockstepClassificationModel model = quick(2, 2).setBlockSize(1).fit(df);
        Dataset<Row> wider = frame(RowFactory.create(Vectors.dense(1, 2, 3), 0.0));
        Exception e = assertThrows(Exception.class, () -> model.transform(wider).collectAsList());
        assertTrue(
                LockstepException.describe(e).contains("has 3 features; the model takes 2"),
                LockstepException.describe(e));
    }

    @Test
    void badParameterValuesAreRefusedWithTheCommandsReasons() {
        LockstepClassifier c = new LockstepClassifier();
        IllegalArgumentException optimizer =
                assertThrows(IllegalArgumentException.class, () -> c.setOptimizer("adamw"));
        assertTrue(
                optimizer.getMessage().contains("unknown optimizer 'adamw' (expected sgd, momentum, nesterov or adam)"),
                optimizer.getMessage());
        IllegalArgumentException schedule = assertThrows(IllegalArgumentException.class, () -> c.setSchedule("linear"));
        assertTrue(schedule.getMessage().contains("unknown learning-rate schedule 'linear'"), schedule.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.setActivation("gelu"));
        assertThrows(IllegalArgumentException.class, () -> c.setTransfer("fp8"));
        assertThrows(IllegalArgumentException.class, () -> c.setLayers(new int[] {4}));
        assertThrows(IllegalArgumentException.class, () -> c.setLayers(new int[] {4, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.setMaxIter(0));
        assertThrows(IllegalArgumentException.class, () -> c.setStepSize(-0.1));
        assertThrows(IllegalArgumentException.class, () -> c.setStepSize(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> c.setBlockSize(-1));
        assertThrows(IllegalArgumentException.class, () -> c.setWeightDecay(-1));
        assertThrows(IllegalArgumentException.class, () -> c.setNumPartitions(-1));
        assertThrows(IllegalArgumentException.class, () -> c.setAugmentShift(5));
        assertThrows(IllegalArgumentException.class, () -> c.setAugmentShift(-2));
        assertThrows(IllegalArgumentException.class, () -> c.setCheckpointInterval(0));
        assertThrows(IllegalArgumentException.class, () -> c.setSolver("adam"));
        assertThrows(IllegalArgumentException.class, () -> c.setTol(-1));
        c.setOptimizer("momentum:momentum=0.8").setSchedule("step:every=2ep").setCheckpointInterval(-1);
        assertEquals(10, c.getMaxIter(), "train's default epochs");
        assertEquals(1L, c.getSeed(), "train's default seed");
        assertTrue(c.getStandardization());
    }

    @Test
    void everyGetterAnswersWithAutoAsASentinel() {
        LockstepClassifier c = new LockstepClassifier();
        assertEquals(0.0, c.getStepSize(), "0: auto");
        assertEquals(0, c.getBlockSize(), "0: auto");
        assertEquals(0, c.getNumPartitions(), "0: Spark's default parallelism");
        assertEquals(-1, c.getAugmentShift(), "-1: auto");
        assertEquals("", c.getCheckpointDir(), "none");
        assertEquals("", c.getValidationIndicatorCol(), "none");
        assertEquals("l-bfgs", c.getSolver(), "MLlib's default");
        assertEquals(1e-6, c.getTol(), "MLlib's default");
        for (org.apache.spark.ml.param.Param<?> param : c.params()) {
            // As in MLlib: layers are required, thresholds and initialWeights absent until set.
            boolean none = Set.of("layers", "thresholds", "initialWeights").contains(param.name());
            assertTrue(none || c.hasDefault(param), param.name() + " has a default");
        }
        // Auto set explicitly is auto: the same config as unset.
        LockstepClassifier explicit = new LockstepClassifier()
                .setLayers(new int[] {3, 2})
                .setStepSize(0)
                .setBlockSize(0)
                .setNumPartitions(0)
                .setAugmentShift(-1)
                .setCheckpointDir("");
        assertEquals(
                TrainSettings.config(new LockstepClassifier().setLayers(new int[] {3, 2}))
                        .toMap(),
                TrainSettings.config(explicit).toMap());
    }

    @Test
    void mllibsSolverAndTolAreAcceptedAndChangeNothing() {
        Dataset<Row> df = TabularData.generate(21, 120, 2, 4, 1).vectorFrame(spark);
        MlpModel plain = quick(4, 6, 2).setMaxIter(2).fit(df).model();
        MlpModel withMllibs = quick(4, 6, 2)
                .setMaxIter(2)
                .setSolver("gd")
                .setTol(1e-4)
                .fit(df)
                .model();
        assertEquals(plain, withMllibs);
    }

    @Test
    void aLabelColumnThatIsNotNumericIsOneClearErrorBeforeSparksCast() {
        StructType schema =
                new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.StringType);
        Dataset<Row> strings = spark.createDataFrame(
                List.of(RowFactory.create(Vectors.dense(1, 2), "0"), RowFactory.create(Vectors.dense(3, 4), "1")),
                schema);
        UsageException s = assertThrows(UsageException.class, () -> quick(2, 2).fit(strings));
        assertOneLine(s, "the training rows: label column 'label' is string; expected a numeric column");
        Dataset<Row> booleans =
                strings.withColumn("label", functions.col("label").equalTo("1"));
        assertOneLine(
                assertThrows(UsageException.class, () -> quick(2, 2).fit(booleans)), "label column 'label' is boolean");
        Dataset<Row> arrays = strings.withColumn("label", functions.array(functions.lit(1.0)));
        assertOneLine(
                assertThrows(UsageException.class, () -> quick(2, 2).fit(arrays)),
                "label column 'label' is array<double>");
        Dataset<Row> vectors = strings.withColumn("label", functions.col("features"));
        assertOneLine(assertThrows(UsageException.class, () -> quick(2, 2).fit(vectors)), "label column 'label' is");
    }

    @Test
    void anyNumericArrayIsFeaturesAsForTrain() {
        TabularData data = TabularData.bytes(22, 120, 2, 5);
        Dataset<Row> ints = data.arrayFrame(spark)
                .withColumn("features", functions.col("features").cast("array<int>"));
        LockstepClassifier estimator = quick(5, 6, 2).setMaxIter(2).setAugmentShift(0);
        LockstepClassificationModel fromInts = estimator.fit(ints);
        assertEquals(estimator.fit(data.vectorFrame(spark)).model(), fromInts.model(), "the same rows");
        assertEquals(
                fromInts.transform(data.vectorFrame(spark))
                        .select("probability")
                        .collectAsList(),
                fromInts.transform(ints).select("probability").collectAsList());
        Dataset<Row> strings =
                ints.withColumn("features", functions.col("features").cast("array<string>"));
        assertOneLine(
                assertThrows(UsageException.class, () -> estimator.fit(strings)),
                "features column 'features' is array<string>; expected a vector (dense or sparse) or an array of"
                        + " numbers");
    }

    @Test
    void thresholdsChangePredictionsAsSparkDefinesThem() {
        TabularData data = TabularData.generate(23, 300, 3, 6, 1);
        Dataset<Row> df = data.vectorFrame(spark);
        LockstepClassificationModel model = quick(6, 16, 3).setMaxIter(3).fit(df);
        List<Row> plain = model.transform(df).select("prediction").collectAsList();
        assertEquals(3, plain.stream().distinct().count(), "every class predicted");
        model.setThresholds(new double[] {1, 1, 1});
        assertEquals(plain, model.transform(df).select("prediction").collectAsList(), "equal thresholds: argmax");
        // The largest probability / threshold wins, and a threshold of 0 always wins.
        model.setThresholds(new double[] {1, 1, 0});
        assertEquals(
                List.of(2.0),
                model.transform(df)
                        .select("prediction")
                        .distinct()
                        .as(org.apache.spark.sql.Encoders.DOUBLE())
                        .collectAsList());
        LockstepClassificationModel favoursZero = quick(6, 16, 3)
                .setMaxIter(3)
                .setThresholds(new double[] {0, 1, 1})
                .fit(df);
        assertEquals(
                List.of(0.0),
                favoursZero
                        .transform(df)
                        .select("prediction")
                        .distinct()
                        .as(org.apache.spark.sql.Encoders.DOUBLE())
                        .collectAsList(),
                "the estimator's thresholds go to its model");

        UsageException wrong = assertThrows(
                UsageException.class,
                () -> quick(6, 16, 3).setThresholds(new double[] {1, 1}).fit(df));
        assertOneLine(wrong, "thresholds has 2 values; layers ends with 3 classes");
        IllegalArgumentException spark =
                assertThrows(IllegalArgumentException.class, () -> model.setThresholds(new double[] {1, 1}));
        assertTrue(spark.getMessage().contains("numClasses=3, but thresholds has length 2"), spark.getMessage());
    }

    @Test
    void aMissingValidationIndicatorColumnIsOneClearError() {
        Dataset<Row> df = TabularData.generate(24, 40, 2, 3, 1).vectorFrame(spark);
        UsageException e = assertThrows(
                UsageException.class,
                () -> quick(3, 2).setValidationIndicatorCol("held").fit(df));
        assertOneLine(e, "no validationIndicatorCol column 'held' (its columns: features, label)");
    }

    @Test
    void aNetworkTheDriversHeapCannotHoldIsRefusedBeforeAnyRowIsRead() {
        Dataset<Row> df = TabularData.generate(25, 40, 2, 3, 1).vectorFrame(spark);
        // 256 million parameters, 1 GB a copy: a step holds several copies, more than the tests' heap.
        UsageException e = assertThrows(
                UsageException.class, () -> quick(16_000, 16_000, 2).fit(df));
        assertOneLine(e, "parameters");
        assertTrue(e.getMessage().startsWith("layers 16000"), e.getMessage());
        assertTrue(e.getMessage().contains("but its heap is"), e.getMessage());
    }

    @Test
    void seededAndWarmStartedFitsNeverResumeEachOthersCheckpoints(@TempDir Path tmp) throws Exception {
        Dataset<Row> df = TabularData.generate(26, 160, 2, 4, 1).vectorFrame(spark);
        LockstepClassifier seeded = quick(4, 6, 2).setMaxIter(2);
        MlpModel seededModel = seeded.fit(df).model();
        Vector start = new LockstepClassificationModel("w", seededModel).weights();
        LockstepClassifier warm =
                seeded.copy(new org.apache.spark.ml.param.ParamMap()).setInitialWeights(start);
        MlpModel warmModel = warm.fit(df).model();
        assertFalse(seededModel.equals(warmModel));

        String one = tmp.resolve("one").toString();
        assertEquals(warmModel, checkpointed(warm, one).fit(df).model());
        assertEquals(seededModel, checkpointed(seeded, one).fit(df).model(), "a seeded fit ignores warm checkpoints");
        String two = tmp.resolve("two").toString();
        assertEquals(seededModel, checkpointed(seeded, two).fit(df).model());
        assertEquals(warmModel, checkpointed(warm, two).fit(df).model(), "a warm fit ignores seeded checkpoints");
        List<String> written = checkpointFiles(tmp.resolve("two"));
        assertEquals(warmModel, checkpointed(warm, two).fit(df).model());
        assertEquals(written, checkpointFiles(tmp.resolve("two")), "resumed from its own last step: nothing written");
    }

    @Test
    void fitsRunningAtOnceMakeTheModelsTheyMakeAlone() throws Exception {
        Dataset<Row> df = TabularData.generate(27, 160, 2, 4, 1).vectorFrame(spark);
        LockstepClassifier one = quick(4, 6, 2).setMaxIter(2);
        LockstepClassifier other =
                one.copy(new org.apache.spark.ml.param.ParamMap()).setSeed(9);
        MlpModel oneAlone = one.fit(df).model();
        MlpModel otherAlone = other.fit(df).model();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            // As CrossValidator.setParallelism(2) runs them: the later one takes a job per step.
            var a = pool.submit(() -> one.fit(df).model());
            var b = pool.submit(() -> other.fit(df).model());
            assertEquals(oneAlone, a.get());
            assertEquals(otherAlone, b.get());
        } finally {
            pool.shutdown();
        }
    }

    /** The checkpoint files with their modification times: a fresh run writes them again, a resumed one not. */
    private static List<String> checkpointFiles(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName() + "@" + f.toFile().lastModified())
                    .sorted()
                    .toList();
        }
    }

    /** Every step checkpointed: the newest checkpoint is the end of the run. */
    private static LockstepClassifier checkpointed(LockstepClassifier estimator, String dir) {
        return estimator
                .copy(new org.apache.spark.ml.param.ParamMap())
                .setCheckpointDir(dir)
                .setCheckpointInterval(1);
    }

    @Test
    void aFitWithACheckpointDirectoryResumesToTheSameModel(@TempDir Path tmp) throws Exception {
        Dataset<Row> df = TabularData.generate(19, 200, 2, 4, 1).vectorFrame(spark);
        LockstepClassifier estimator = quick(4, 6, 2).setMaxIter(3);
        MlpModel plain = estimator.fit(df).model();
        String dir = tmp.resolve("checkpoints").toString();
        LockstepClassifier checkpointed = estimator
                .copy(new org.apache.spark.ml.param.ParamMap())
                .setCheckpointDir(dir)
                .setCheckpointInterval(5);
        assertEquals(plain, checkpointed.fit(df).model(), "checkpoints change nothing");
        try (var files = Files.list(tmp.resolve("checkpoints"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".lsc")), "checkpoints written");
        }
        assertEquals(plain, checkpointed.fit(df).model(), "resumed from the newest checkpoint, to the same model");
        MlpModel otherSeed = estimator
                .copy(new org.apache.spark.ml.param.ParamMap())
                .setSeed(4)
                .fit(df)
                .model();
        assertEquals(
                otherSeed,
                checkpointed
                        .copy(new org.apache.spark.ml.param.ParamMap())
                        .setSeed(4)
                        .fit(df)
                        .model(),
                "a checkpoint of other settings is not resumed");
    }

    @Test
    void theEstimatorSavesAndLoadsItsParameters(@TempDir Path tmp) throws Exception {
        LockstepClassifier estimator = quick(3, 4, 2)
                .setInitialWeights(Vectors.dense(new double[26]))
                .setSchedule("step:every=2ep,gamma=0.5")
                .setStandardization(false);
        String path = tmp.resolve("estimator").toString();
        estimator.write().save(path);
        LockstepClassifier loaded = LockstepClassifier.load(path);
        assertEquals(estimator.uid(), loaded.uid());
        assertEquals(estimator.getInitialWeights(), loaded.getInitialWeights());
        assertEquals("step:every=2ep,gamma=0.5", loaded.getSchedule());
        assertFalse(loaded.getStandardization());
        assertEquals(0.01, loaded.getStepSize());
        assertFalse(loaded.isSet(loaded.augmentShift()), "auto stays auto");
    }

    @Test
    void paramsExplainThemselves() {
        String explained = quick(3, 2).explainParams();
        assertTrue(explained.contains("optimizer: optimizer: sgd, momentum, nesterov or adam"), explained);
        assertTrue(explained.contains("layers: layer sizes, the input's first"), explained);
        assertTrue(explained.contains("stepSize:"), explained);
    }

    @Test
    void initialWeightsTakeMllibsLayout() {
        Architecture arch = new Architecture(new int[] {3, 4, 2}, Activation.SIGMOID);
        SplittableRandom random = new SplittableRandom(1);
        double[] w = new double[arch.parameterCount()];
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextDouble() - 0.5); // exact in float32
        Vector weights = Vectors.dense(w);
        MultilayerPerceptronClassificationModel mllib = new MultilayerPerceptronClassificationModel("mlp", weights);
        mllib.set(mllib.layers(), arch.sizes());
        LockstepClassificationModel ours = new LockstepClassificationModel(
                "ours", new MlpModel(arch, MllibLayout.toLockstep(arch, weights), InputScaling.IDENTITY, false, 0, 3));
        assertEquals(weights, ours.weights(), "the layout round-trips");
        for (int k = 0; k < 5; k++) {
            Vector x = Vectors.dense(random.nextDouble(), random.nextDouble() * 2, -random.nextDouble());
            assertArrayEquals(mllib.predictRaw(x).toArray(), ours.predictRaw(x).toArray(), 1e-5);
        }
    }

    @Test
    void fittingFromInitialWeightsStartsThere() {
        TabularData data = TabularData.generate(18, 200, 2, 3, 1);
        Dataset<Row> df = data.vectorFrame(spark);
        LockstepClassifier estimator = quick(3, 4, 2).setMaxIter(1);
        LockstepClassificationModel seeded = estimator.fit(df);
        LockstepClassificationModel again = estimator
                .copy(new org.apache.spark.ml.param.ParamMap())
                .setInitialWeights(seeded.weights())
                .fit(df);
        assertFalse(seeded.model().equals(again.model()), "a further epoch from the first one's weights");
        assertThrows(
                LockstepException.class,
                () -> estimator
                        .copy(new org.apache.spark.ml.param.ParamMap())
                        .setInitialWeights(Vectors.dense(1, 2))
                        .fit(df));
    }

    @Test
    void theModelTravelsInItsModelFile() throws Exception {
        Architecture arch = new Architecture(new int[] {2, 3, 2}, Activation.TANH);
        float[] params = new float[arch.parameterCount()];
        for (int i = 0; i < params.length; i++) params[i] = i * 0.1f - 0.5f;
        LockstepClassificationModel model = new LockstepClassificationModel(
                "m",
                new MlpModel(
                        arch, params, InputScaling.standardize(new double[] {1, 2}, new double[] {3, 4}), false, 0, 2));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        LockstepClassificationModel back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (LockstepClassificationModel) in.readObject();
        }
        assertEquals(model.model(), back.model());
        assertEquals("m", back.uid());
        Vector x = Vectors.dense(0.5, -2);
        assertEquals(model.predictRaw(x), back.predictRaw(x));
    }

    private Dataset<Row> frame(Row... rows) {
        return spark.createDataFrame(
                new ArrayList<>(List.of(rows)),
                new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType));
    }

    private static void assertOneLine(Exception e, String expected) {
        String message = e.getMessage();
        assertTrue(message.contains(expected), message);
        assertFalse(message.contains("\n"), message);
    }

    private static double sum(Vector v) {
        double s = 0;
        for (double x : v.toArray()) s += x;
        return s;
    }
}
