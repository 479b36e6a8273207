package dev.lockstep.ml;

import dev.lockstep.LockstepException;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Mlp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A trained Lockstep network as a Spark ML model: {@code transform} adds {@code rawPrediction} (the output layer's
 * values before softmax), {@code probability} (their softmax) and {@code prediction}, scored on the executors. The
 * features go through the input scaling the network was trained with, recorded in the model.
 *
 * <p>Saved ({@link #write()}) as Spark ML's parameter metadata plus the network in Lockstep's own model file,
 * {@code <path>/data/model.lsm}: versioned and checksummed, and readable by {@code lockstep predict} and
 * {@link dev.lockstep.model.Classifier}. The model travels to executors in that format too.
 */
public final class LockstepClassificationModel
        extends ProbabilisticClassificationModel<Vector, LockstepClassificationModel>
        implements LockstepParams, MLWritable {
    private static final long serialVersionUID = 1L;
    /** Where the network sits under a saved model's directory. */
    static final String MODEL_FILE = "data/model.lsm";

    private final String uid;
    private final ParamSet p;
    private transient MlpModel model;
    /** Each executor thread scores with its own buffers. */
    private transient ThreadLocal<Mlp> networks;

    LockstepClassificationModel(String uid, MlpModel model) {
        this(StageUid.constructing(uid), model);
    }

    private LockstepClassificationModel(StageUid uid, MlpModel model) {
        this.uid = uid.constructed();
        this.p = new ParamSet(this);
        this.model = model;
        set(p.layers, model.architecture().sizes());
        set(p.activation, model.architecture().hidden().displayName());
    }

    /**
     * A Spark ML model of a network trained elsewhere, e.g. by {@code lockstep train} ({@code ModelFile.read} of its
     * {@code model.lsm}), to score DataFrames with; its {@code layers} and {@code activation} are the network's.
     */
    public static LockstepClassificationModel of(MlpModel model) {
        return new LockstepClassificationModel(Identifiable.randomUID("lockstep"), model);
    }

    /** The network, its parameters and its input scaling, as Lockstep's own API and model file hold them. */
    public MlpModel model() {
        return model;
    }

    /** The weights in MLlib's layout, as {@code MultilayerPerceptronClassificationModel.weights} gives them. */
    public Vector weights() {
        return MllibLayout.toMllib(model.architecture(), model.parameters());
    }

    @Override
    public String uid() {
        return uid != null ? uid : StageUid.current(); // null while Spark's constructors run
    }

    @Override
    public int numClasses() {
        return model.architecture().outputSize();
    }

    @Override
    public int numFeatures() {
        return model.architecture().inputSize();
    }

    @Override
    public Vector predictRaw(Vector features) {
        Architecture arch = model.architecture();
        int n = arch.inputSize();
        if (features.size() != n) {
            throw new LockstepException(
                    "a row of '" + getFeaturesCol() + "' has " + features.size() + " features; the model takes " + n);
        }
        Mlp mlp = network();
        float[] in = mlp.input();
        InputScaling s = model.scaling();
        if (features instanceof SparseVector sparse) {
            for (int f = 0; f < n; f++) in[f] = s.apply(f, 0f);
            int[] at = sparse.indices();
            double[] values = sparse.values();
            for (int k = 0; k < at.length; k++) in[at[k]] = s.apply(at[k], (float) values[k]);
        } else {
            double[] values = ((DenseVector) features).values();
            for (int f = 0; f < n; f++) in[f] = s.apply(f, (float) values[f]);
        }
        float[] logits = mlp.logits(1);
        double[] raw = new double[arch.outputSize()];
        for (int c = 0; c < raw.length; c++) raw[c] = logits[c];
        return Vectors.dense(raw);
    }

    /** Softmax, in double: the probabilities Lockstep's own float softmax gives, to float precision. */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        double[] v = ((DenseVector) rawPrediction).values();
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) max = Math.max(max, x);
        double sum = 0;
        for (int c = 0; c < v.length; c++) {
            v[c] = Math.exp(v[c] - max);
            sum += v[c];
        }
        for (int c = 0; c < v.length; c++) v[c] /= sum;
        return rawPrediction;
    }

    private Mlp network() {
        if (networks == null) {
            synchronized (this) {
                if (networks == null) {
                    float[] params = model.parameters();
                    networks = ThreadLocal.withInitial(() -> {
                        Mlp mlp = new Mlp(model.architecture(), 1);
                        mlp.setParameters(params);
                        return mlp;
                    });
                }
            }
        }
        return networks.get();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return FeatureColumn.validated(
                schema,
                getFeaturesCol(),
                "the rows to score",
                s -> LockstepClassificationModel.super.transformSchema(s));
    }

    /** Vectors as Spark ML scores them; an array column through a vector copy of it, dropped after. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        transformSchema(schema);
        if (!FeatureColumn.isArray(schema, getFeaturesCol())) return super.transform(dataset);
        String vectors = "_lockstep_features_" + uid;
        Dataset<Row> withVectors = dataset.withColumn(vectors, FeatureColumn.asVector(schema, getFeaturesCol()));
        return copy(ParamMap.empty())
                .setFeaturesCol(vectors)
                .transform(withVectors)
                .drop(vectors);
    }

    @Override
    public ParamSet paramSet() {
        return p;
    }

    @Override
    public LockstepClassificationModel copy(ParamMap extra) {
        LockstepClassificationModel copy = copyValues(new LockstepClassificationModel(uid, model), extra);
        return copy.setParent(parent());
    }

    /**
     * Spark's own, declared again: Java sees the two Scala declarations it inherits (their tuples differ in a type
     * argument) as a clash to resolve.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public MLWriter write() {
        return new ModelWriter(this);
    }

    /** Reads a model saved by {@link #write()}; what {@code Pipeline} and {@code PipelineModel} load stages with. */
    public static MLReader<LockstepClassificationModel> read() {
        return new ModelReader();
    }

    public static LockstepClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "LockstepClassificationModel: uid=" + uid + ", layers="
                + model.architecture().layersString() + ", activation="
                + model.architecture().hidden().displayName();
    }

    /** The network travels as its model file: versioned, checksummed, every parameter bit kept. */
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelFile.write(bytes, model);
        out.writeObject(bytes.toByteArray());
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        byte[] bytes = (byte[]) in.readObject();
        model = ModelFile.read(new ByteArrayInputStream(bytes), "a serialized " + uid, bytes.length);
    }
}
