package dev.lockstep.ml;

import dev.lockstep.UsageException;
import dev.lockstep.nn.Architecture;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * MLlib's flat weight layout, as {@code MultilayerPerceptronClassifier} takes {@code initialWeights} and its model
 * gives {@code weights}, and the conversion to and from Lockstep's ({@link Architecture}).
 *
 * <p>Both store the layers in order, each layer's weights followed by its {@code out} biases. They differ in the
 * weights: MLlib keeps the {@code out x in} matrix column-major (a Breeze matrix over the flat array), so weight
 * (o, i) is at {@code i * out + o}; Lockstep keeps it row-major, at {@code o * in + i}. The values are the same
 * numbers (Lockstep holds them as float32).
 */
final class MllibLayout {
    private MllibLayout() {}

    /**
     * Lockstep's parameters from MLlib's flat weights.
     *
     * @throws UsageException when the vector's size is not the layers' parameter count, or a weight is not finite
     */
    static float[] toLockstep(Architecture arch, Vector weights) {
        if (weights.size() != arch.parameterCount()) {
            throw new UsageException("initialWeights has " + weights.size() + " values but layers "
                    + arch.layersString() + " have " + arch.parameterCount() + " weights and biases");
        }
        double[] w = weights.toArray();
        float[] params = new float[w.length];
        for (int l = 0; l < arch.layerCount(); l++) {
            int in = arch.size(l), out = arch.size(l + 1), base = arch.weightOffset(l);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) params[base + o * in + i] = (float) w[base + i * out + o];
            }
            for (int o = 0; o < out; o++) params[arch.biasOffset(l) + o] = (float) w[arch.biasOffset(l) + o];
        }
        for (int k = 0; k < params.length; k++) {
            if (!Float.isFinite(params[k])) {
                throw new UsageException("initialWeights has a value that is not a finite float at index " + k);
            }
        }
        return params;
    }

    /** MLlib's flat weights from Lockstep's parameters. */
    static Vector toMllib(Architecture arch, float[] params) {
        double[] w = new double[params.length];
        for (int l = 0; l < arch.layerCount(); l++) {
            int in = arch.size(l), out = arch.size(l + 1), base = arch.weightOffset(l);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) w[base + i * out + o] = params[base + o * in + i];
            }
            for (int o = 0; o < out; o++) w[arch.biasOffset(l) + o] = params[arch.biasOffset(l) + o];
        }
        return Vectors.dense(w);
    }
}
