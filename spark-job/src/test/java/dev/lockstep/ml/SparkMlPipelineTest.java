package dev.lockstep.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.data.TabularData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** The estimator as a stage: in a Pipeline, saved and loaded with it, and tuned by CrossValidator. */
class SparkMlPipelineTest {
    private final SparkSession spark = TabularData.spark();

    private static final String[] COLUMNS = {"a", "b", "c", "d", "e", "f"};

    @TempDir
    Path tmp;

    /** Six numeric columns, in the thousands, and a string class name, as a CSV file or a table gives them. */
    private Dataset<Row> table(long seed, int rows) {
        TabularData data = TabularData.generate(seed, rows, 3, COLUMNS.length, 1000);
        String[] names = {"low", "mid", "high"};
        StructType schema = new StructType();
        for (String c : COLUMNS) schema = schema.add(c, DataTypes.DoubleType);
        schema = schema.add("kind", DataTypes.StringType);
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Object[] values = new Object[COLUMNS.length + 1];
            for (int f = 0; f < COLUMNS.length; f++) values[f] = data.value(i, f);
            values[COLUMNS.length] = names[data.label(i)];
            list.add(RowFactory.create(values));
        }
        return spark.createDataFrame(list, schema);
    }

    private static Pipeline pipeline(LockstepClassifier lockstep) {
        VectorAssembler assembler = new VectorAssembler().setInputCols(COLUMNS).setOutputCol("raw");
        StandardScaler scaler = new StandardScaler().setInputCol("raw").setOutputCol("features");
        StringIndexer indexer = new StringIndexer().setInputCol("kind").setOutputCol("label");
        return new Pipeline().setStages(new PipelineStage[] {assembler, scaler, indexer, lockstep});
    }

    @Test
    void aPipelineFitsSavesLoadsAndScoresTheSame() throws Exception {
        Dataset<Row> df = table(21, 300);
        LockstepClassifier lockstep = LockstepClassifierTest.quick(6, 16, 3).setOptimizer("adam:beta2=0.99");
        Pipeline pipeline = pipeline(lockstep);
        PipelineModel fitted = pipeline.fit(df);
        List<Row> scored = fitted.transform(df)
                .select("rawPrediction", "probability", "prediction", "label")
                .collectAsList();
        double accuracy =
                scored.stream().filter(r -> r.getDouble(2) == r.getDouble(3)).count() / (double) scored.size();
        assertTrue(accuracy > 0.8, "pipeline accuracy " + accuracy);

        String modelPath = tmp.resolve("pipeline-model").toString();
        fitted.write().overwrite().save(modelPath);
        assertTrue(Files.isRegularFile(Path.of(modelPath, "stages", "3_" + lockstep.uid(), "data", "model.lsm")));
        PipelineModel loaded = PipelineModel.load(modelPath);
        List<Row> again = loaded.transform(df)
                .select("rawPrediction", "probability", "prediction", "label")
                .collectAsList();
        assertEquals(scored, again, "the loaded pipeline scores exactly as the fitted one");
        LockstepClassificationModel stage = (LockstepClassificationModel) loaded.stages()[3];
        assertEquals(((LockstepClassificationModel) fitted.stages()[3]).model(), stage.model());
        assertArrayEquals(new int[] {6, 16, 3}, stage.getLayers());
        assertEquals("adam:beta2=0.99", stage.getOptimizer());

        fitted.write().overwrite().save(modelPath); // overwrite replaces it whole
        assertEquals(
                scored,
                PipelineModel.load(modelPath)
                        .transform(df)
                        .select("rawPrediction", "probability", "prediction", "label")
                        .collectAsList());

        String estimatorPath = tmp.resolve("pipeline").toString();
        pipeline.write().save(estimatorPath);
        LockstepClassifier reloaded =
                (LockstepClassifier) Pipeline.load(estimatorPath).getStages()[3];
        assertEquals(lockstep.uid(), reloaded.uid());
        assertArrayEquals(new int[] {6, 16, 3}, reloaded.getLayers());
        assertEquals(32, reloaded.getBlockSize());
        assertEquals("adam:beta2=0.99", reloaded.getOptimizer());
        assertEquals(
                lockstep.extractParamMap().size(), reloaded.extractParamMap().size());
    }

    @Test
    void theModelSavesAndLoadsOnItsOwn() throws Exception {
        Dataset<Row> df = TabularData.generate(22, 200, 3, 5, 1).vectorFrame(spark);
        LockstepClassificationModel model =
                LockstepClassifierTest.quick(5, 8, 3).fit(df);
        model.setProbabilityCol("p");
        String path = tmp.resolve("model").toString();
        model.write().overwrite().save(path);
        LockstepClassificationModel loaded = LockstepClassificationModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.model(), loaded.model());
        assertEquals("p", loaded.getProbabilityCol());
        assertEquals(
                model.transform(df).select("p", "prediction").collectAsList(),
                loaded.transform(df).select("p", "prediction").collectAsList());
    }

    @Test
    void crossValidatorChoosesBetweenTwoLayerSettings() {
        Dataset<Row> df = table(23, 240);
        LockstepClassifier lockstep = LockstepClassifierTest.quick(6, 16, 3).setBlockSize(16);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(
                        lockstep.layers(),
                        CollectionConverters.asScala(List.of(new int[] {6, 2, 3}, new int[] {6, 16, 3})))
                .build();
        CrossValidator cv = new CrossValidator()
                .setEstimator(pipeline(lockstep))
                .setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
                .setNumFolds(2)
                .setSeed(5);
        CrossValidatorModel fitted = cv.fit(df);
        double[] metrics = fitted.avgMetrics();
        assertEquals(2, metrics.length);
        assertTrue(Math.max(metrics[0], metrics[1]) > 0.7, "accuracies " + metrics[0] + ", " + metrics[1]);
        LockstepClassificationModel best =
                (LockstepClassificationModel) ((PipelineModel) fitted.bestModel()).stages()[3];
        int bestIndex = metrics[0] > metrics[1] ? 0 : 1;
        assertArrayEquals(grid[bestIndex].get(lockstep.layers()).get(), best.getLayers());
        assertArrayEquals(best.getLayers(), best.model().architecture().sizes());
    }

    @Test
    void trainValidationSplitTunesTheStepSize() {
        Dataset<Row> df = table(24, 240);
        LockstepClassifier lockstep = LockstepClassifierTest.quick(6, 8, 3).setMaxIter(4);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(lockstep.stepSize(), new double[] {1e-4, 1e-2})
                .build();
        TrainValidationSplit tvs = new TrainValidationSplit()
                .setEstimator(pipeline(lockstep))
                .setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
                .setTrainRatio(0.75)
                .setSeed(6);
        TrainValidationSplitModel fitted = tvs.fit(df);
        double[] metrics = fitted.validationMetrics();
        assertEquals(2, metrics.length);
        assertTrue(
                metrics[1] > metrics[0],
                "a step of 1e-2 learns more in 4 epochs than 1e-4: " + metrics[1] + " vs " + metrics[0]);
        LockstepClassificationModel best =
                (LockstepClassificationModel) ((PipelineModel) fitted.bestModel()).stages()[3];
        assertEquals(1e-2, best.getStepSize());
    }
}
