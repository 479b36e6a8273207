package dev.lockstep.nn;

import java.util.SplittableRandom;

/**
 * Initial parameters: He-normal for ReLU (keeps activations' variance through depth), Xavier-normal for the
 * saturating sigmoid and tanh, the softmax layer Xavier as well; biases start at zero.
 */
public final class Initializer {
    private Initializer() {}

    public static float[] initialize(Architecture a, long seed) {
        float[] p = new float[a.parameterCount()];
        for (int l = 0; l < a.layerCount(); l++) {
            int in = a.size(l), out = a.size(l + 1);
            boolean outputLayer = l == a.layerCount() - 1;
            double std =
                    (!outputLayer && a.hidden() == Activation.RELU) ? Math.sqrt(2.0 / in) : Math.sqrt(2.0 / (in + out));
            // One stream per layer, so changing one layer's size leaves the others' draws alone.
            SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.INIT, l));
            int off = a.weightOffset(l);
            for (int i = 0; i < in * out; i++) p[off + i] = (float) (std * gaussian(rng));
        }
        return p;
    }

    /** Box-Muller on our own draws: JDK Gaussian algorithms are not promised stable across versions. */
    static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble(); // (0, 1], so the log is finite
        double u2 = rng.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
