package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MlpGradientTest {
    private static final int ROWS = 5;

    /** Every parameter of every layer, for each activation, against central finite differences in double. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void gradientMatchesFiniteDifferences(Activation activation) {
        Architecture arch = new Architecture(new int[] {6, 5, 4, 3}, activation);
        SplittableRandom rng = new SplittableRandom(7);
        float[] params = Initializer.initialize(arch, 11);
        for (int i = 0; i < params.length; i++)
            params[i] += (float) (0.1 * rng.nextDouble(-1, 1)); // non-zero biases too
        float[] x = new float[ROWS * arch.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
        int[] labels = {0, 2, 1, 2, 0};

        Mlp mlp = new Mlp(arch, ROWS);
        mlp.setParameters(params);
        System.arraycopy(x, 0, mlp.input(), 0, x.length);
        float[] grad = new float[arch.parameterCount()];
        mlp.accumulateGradient(ROWS, labels, grad);

        double eps = 1e-6; // the reference loss is in double; a small step keeps ReLU kinks out of reach
        int checked = 0;
        for (int i = 0; i < params.length; i++) {
            double numeric =
                    (lossAt(arch, params, i, eps, x, labels) - lossAt(arch, params, i, -eps, x, labels)) / (2 * eps);
            double err = Math.abs(numeric - grad[i]);
            assertTrue(
                    err <= 1e-4 + 1e-3 * Math.abs(numeric),
                    activation + " parameter " + i + ": analytic " + grad[i] + " numeric " + numeric);
            checked++;
        }
        assertEquals(arch.parameterCount(), checked);
    }

    /** Loss of the network with parameter i moved by delta, computed independently in double precision. */
    private static double lossAt(Architecture arch, float[] params, int i, double delta, float[] x, int[] labels) {
        double[] p = new double[params.length];
        for (int j = 0; j < p.length; j++) p[j] = params[j];
        p[i] += delta;
        double loss = 0;
        for (int r = 0; r < labels.length; r++) {
            double[] a = new double[arch.inputSize()];
            for (int k = 0; k < a.length; k++) a[k] = x[r * arch.inputSize() + k];
            for (int l = 0; l < arch.layerCount(); l++) {
                int in = arch.size(l), out = arch.size(l + 1);
                double[] z = new double[out];
                for (int o = 0; o < out; o++) {
                    double s = p[arch.biasOffset(l) + o];
                    for (int k = 0; k < in; k++) s += p[arch.weightOffset(l) + o * in + k] * a[k];
                    z[o] = l < arch.layerCount() - 1 ? activate(arch.hidden(), s) : s;
                }
                a = z;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : a) max = Math.max(max, v);
            double sum = 0;
            for (double v : a) sum += Math.exp(v - max);
            loss += Math.log(sum) - (a[labels[r]] - max);
        }
        return loss;
    }

    private static double activate(Activation act, double s) {
        return switch (act) {
            case RELU -> Math.max(0, s);
            case SIGMOID -> 1 / (1 + Math.exp(-s));
            case TANH -> Math.tanh(s);
        };
    }

    @Test
    void gradientOfABatchIsTheSumOfItsRows() {
        Architecture arch = new Architecture(new int[] {4, 3, 2}, Activation.TANH);
        float[] params = Initializer.initialize(arch, 3);
        float[] x = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0f, 0.7f, 0.8f};
        int[] labels = {1, 0};
        Mlp mlp = new Mlp(arch, 2);
        mlp.setParameters(params);
        System.arraycopy(x, 0, mlp.input(), 0, 8);
        float[] both = new float[arch.parameterCount()];
        double lossBoth = mlp.accumulateGradient(2, labels, both);

        float[] separate = new float[arch.parameterCount()];
        double lossSeparate = 0;
        for (int r = 0; r < 2; r++) {
            System.arraycopy(x, r * 4, mlp.input(), 0, 4);
            lossSeparate += mlp.accumulateGradient(1, new int[] {labels[r]}, separate);
        }
        assertEquals(lossSeparate, lossBoth, 1e-6);
        assertArrayEquals(separate, both, 1e-6f);
    }

    @Test
    void forwardGivesAProbabilityDistribution() {
        Architecture arch = new Architecture(new int[] {3, 8, 5}, Activation.SIGMOID);
        Mlp mlp = new Mlp(arch, 1);
        mlp.setParameters(Initializer.initialize(arch, 1));
        mlp.input()[0] = 1f;
        mlp.input()[1] = -2f;
        mlp.input()[2] = 0.5f;
        float[] p = mlp.forward(1);
        double sum = 0;
        for (int c = 0; c < 5; c++) {
            assertTrue(p[c] > 0 && p[c] < 1);
            sum += p[c];
        }
        assertEquals(1.0, sum, 1e-6);
    }

    @Test
    void softmaxFlushesProbabilitiesBelowFloatsNormalRangeToZero() {
        float[] z = {0f, -100f, -50f, -200f};
        DenseKernels.softmaxRows(z, 1, 4);
        assertEquals(1f, z[0] + z[1] + z[2] + z[3], 1e-6f);
        for (float p : z) assertTrue(p == 0f || p >= Float.MIN_NORMAL, "no subnormal probability: " + p);
        assertEquals(0f, z[1]); // e^-100 is about 3.7e-44, a subnormal float
        assertEquals(0f, z[3]);
        assertTrue(z[2] > 0f); // e^-50, about 1.9e-22, is a normal float and stays
    }
}
