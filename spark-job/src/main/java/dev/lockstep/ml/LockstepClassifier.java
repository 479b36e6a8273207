package dev.lockstep.ml;

import dev.lockstep.LockstepException;
import dev.lockstep.train.rows.FrameColumns;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * Lockstep's synchronous data-parallel MLP training as a Spark ML estimator: a stand-in for MLlib's
 * {@code MultilayerPerceptronClassifier} (change the class name; {@code layers}, {@code maxIter}, {@code stepSize},
 * {@code seed}, {@code blockSize}, {@code initialWeights} and the columns keep their names and meaning), with
 * {@code train}'s own settings as parameters too ({@link LockstepParams}).
 *
 * <p>The features column may be a vector (dense or sparse) or an array of numbers; the labels, a numeric column, are
 * integral class numbers 0..K-1, K the last layer size. Rows whose features are all integers 0-255 train
 * as bytes scaled by 1/255 (pictures); any other rows as float32, standardized with the training rows' mean and
 * deviation ({@code standardization}, on by default). The scaling is part of the model.
 *
 * <p>{@code fit} trains with the engine of {@code lockstep train} on the DataFrame's rows in their order: the same
 * settings, rows and partitions ({@code numPartitions}, else Spark's default parallelism) give the same model, bit
 * for bit, as {@code train} on the same rows.
 */
public final class LockstepClassifier
        extends ProbabilisticClassifier<Vector, LockstepClassifier, LockstepClassificationModel>
        implements LockstepParams, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ParamSet p;

    public LockstepClassifier() {
        this(Identifiable.randomUID("lockstep"));
    }

    public LockstepClassifier(String uid) {
        this(StageUid.constructing(uid));
    }

    private LockstepClassifier(StageUid uid) {
        this.uid = uid.constructed();
        this.p = new ParamSet(this);
    }

    @Override
    public String uid() {
        return uid != null ? uid : StageUid.current(); // null while Spark's constructors run
    }

    /**
     * Checks both columns as {@code train} does, before Spark's {@code fit} casts the label to double (a string
     * "1" would become 1, a boolean 0 or 1, an array null): the label must be a numeric column.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        FrameColumns.check(schema, getFeaturesCol(), getLabelCol(), FitRun.TRAINING_ROWS);
        return FeatureColumn.validated(
                schema, getFeaturesCol(), FitRun.TRAINING_ROWS, s -> LockstepClassifier.super.transformSchema(s));
    }

    @Override
    public LockstepClassificationModel train(Dataset<?> dataset) {
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        try {
            return new LockstepClassificationModel(uid, new FitRun(this, sc).fit(dataset.toDF()));
        } catch (LockstepException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bad rows found by a task arrive wrapped by Spark: the user's line is the cause, of its own class.
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof LockstepException l) throw l;
            }
            throw e;
        }
    }

    @Override
    public ParamSet paramSet() {
        return p;
    }

    @Override
    public LockstepClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    /** Reads an estimator saved by {@link #write()}; what {@code Pipeline} loads stages with. */
    public static MLReader<LockstepClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static LockstepClassifier load(String path) {
        return read().load(path);
    }

    public LockstepClassifier setLayers(int[] value) {
        return (LockstepClassifier) set(p.layers, value);
    }

    public LockstepClassifier setMaxIter(int value) {
        return (LockstepClassifier) set(p.maxIter, value);
    }

    public LockstepClassifier setStepSize(double value) {
        return (LockstepClassifier) set(p.stepSize, value);
    }

    public LockstepClassifier setSeed(long value) {
        return (LockstepClassifier) set(p.seed, value);
    }

    public LockstepClassifier setBlockSize(int value) {
        return (LockstepClassifier) set(p.blockSize, value);
    }

    public LockstepClassifier setInitialWeights(Vector value) {
        return (LockstepClassifier) set(p.initialWeights, value);
    }

    /** Accepted for MLlib's code and ignored: Lockstep trains with {@link #optimizer()}. */
    public LockstepClassifier setSolver(String value) {
        return (LockstepClassifier) set(p.solver, value);
    }

    /** Accepted for MLlib's code and unused: training runs {@link #maxIter()} epochs. */
    public LockstepClassifier setTol(double value) {
        return (LockstepClassifier) set(p.tol, value);
    }

    public LockstepClassifier setActivation(String value) {
        return (LockstepClassifier) set(p.activation, value);
    }

    public LockstepClassifier setOptimizer(String value) {
        return (LockstepClassifier) set(p.optimizer, value);
    }

    public LockstepClassifier setSchedule(String value) {
        return (LockstepClassifier) set(p.schedule, value);
    }

    public LockstepClassifier setWeightDecay(double value) {
        return (LockstepClassifier) set(p.weightDecay, value);
    }

    public LockstepClassifier setNumPartitions(int value) {
        return (LockstepClassifier) set(p.numPartitions, value);
    }

    public LockstepClassifier setAugmentShift(int value) {
        return (LockstepClassifier) set(p.augmentShift, value);
    }

    public LockstepClassifier setTransfer(String value) {
        return (LockstepClassifier) set(p.transfer, value);
    }

    public LockstepClassifier setStandardization(boolean value) {
        return (LockstepClassifier) set(p.standardization, value);
    }

    public LockstepClassifier setCheckpointDir(String value) {
        return (LockstepClassifier) set(p.checkpointDir, value);
    }

    public LockstepClassifier setCheckpointInterval(int value) {
        return (LockstepClassifier) set(p.checkpointInterval, value);
    }

    public LockstepClassifier setValidationIndicatorCol(String value) {
        return (LockstepClassifier) set(p.validationIndicatorCol, value);
    }
}
