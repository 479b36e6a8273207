package dev.lockstep.model;

import dev.lockstep.nn.Mlp;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.Vector;

/**
 * Scores rows with a trained model, without Spark: for embedding in services and for the {@code predict}
 * command. Thread-safe: each thread gets its own network buffers.
 *
 * <p>Rows are raw values as in the training data: for an image model, intensities 0 (background) to 255 (ink),
 * row-major; the model's own {@link InputScaling} is applied here.
 */
public final class Classifier {
    private final MlpModel model;
    private final float[] parameters;
    private final ThreadLocal<Mlp> networks;

    public Classifier(MlpModel model) {
        this.model = model;
        this.parameters = model.parameters();
        this.networks = ThreadLocal.withInitial(() -> {
            Mlp mlp = new Mlp(model.architecture(), 1);
            mlp.setParameters(parameters);
            return mlp;
        });
    }

    public static Classifier load(Configuration conf, String uri) {
        return new Classifier(ModelFile.read(conf, uri));
    }

    public MlpModel model() {
        return model;
    }

    /**
     * Class probabilities for one row of {@code inputSize} raw values (pixels 0-255 for an image model), to which
     * the model's per-feature scaling is applied.
     */
    public float[] probabilities(float[] pixels) {
        int n = model.architecture().inputSize();
        if (pixels.length != n) {
            throw new IllegalArgumentException(
                    "expected " + n + (model.isImage() ? " pixels" : " features") + ", got " + pixels.length);
        }
        Mlp mlp = networks.get();
        float[] in = mlp.input();
        InputScaling s = model.scaling();
        for (int i = 0; i < n; i++) in[i] = s.apply(i, pixels[i]);
        float[] out = mlp.forward(1);
        return Arrays.copyOf(out, model.architecture().outputSize());
    }

    /** The same for a Spark ML vector (dense or sparse), as other Spark code hands it over. */
    public double[] probabilities(Vector pixels) {
        float[] p = probabilities(toFloats(pixels.toArray()));
        double[] d = new double[p.length];
        for (int i = 0; i < p.length; i++) d[i] = p[i];
        return d;
    }

    /** Class probabilities for a picture of a digit of any size and polarity, brought to MNIST form first. */
    public float[] probabilities(BufferedImage image) {
        if (!model.isImage() || model.height() != MnistImage.SIDE || model.width() != MnistImage.SIDE) {
            throw new IllegalArgumentException("pictures are scored as " + MnistImage.SIDE + "x" + MnistImage.SIDE
                    + " images, but the model takes "
                    + (model.isImage()
                            ? model.height() + "x" + model.width() + " images"
                            : model.architecture().inputSize() + " features that are not a picture"));
        }
        return probabilities(MnistImage.pixels(image));
    }

    /** The most probable class. */
    public int predict(float[] pixels) {
        return mostProbable(probabilities(pixels));
    }

    /** The index of the largest probability; the lowest such index on ties. */
    public static int mostProbable(float[] probabilities) {
        int best = 0;
        for (int c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
        return best;
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }
}
