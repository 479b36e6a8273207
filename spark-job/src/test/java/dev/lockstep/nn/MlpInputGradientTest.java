package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MlpInputGradientTest {
    /** d log p(target) / d input, every input and every class, against central differences of the float network. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void inputGradientMatchesFiniteDifferences(Activation activation) {
        Architecture arch = new Architecture(new int[] {7, 6, 5, 4}, activation);
        SplittableRandom rng = new SplittableRandom(3);
        float[] params = Initializer.initialize(arch, 5);
        for (int i = 0; i < params.length; i++) params[i] += (float) (0.1 * rng.nextDouble(-1, 1));
        float[] x = new float[arch.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
        Mlp mlp = new Mlp(arch, 1);
        mlp.setParameters(params);
        float[] grad = new float[arch.inputSize()];
        for (int target = 0; target < arch.outputSize(); target++) {
            System.arraycopy(x, 0, mlp.input(), 0, x.length);
            double logP = mlp.inputGradient(target, grad);
            assertEquals(logProbability(mlp, x, target), logP, 1e-6);
            double eps = 1e-3;
            for (int i = 0; i < x.length; i++) {
                float[] plus = x.clone(), minus = x.clone();
                plus[i] += (float) eps;
                minus[i] -= (float) eps;
                double numeric = (logProbability(mlp, plus, target) - logProbability(mlp, minus, target)) / (2 * eps);
                assertTrue(
                        Math.abs(numeric - grad[i]) <= 2e-3 + 1e-2 * Math.abs(numeric),
                        activation + " class " + target + " input " + i + ": analytic " + grad[i] + " numeric "
                                + numeric);
            }
        }
    }

    /** The training path gives the same bits before and after an input-gradient call on the same instance. */
    @Test
    void trainingResultsAreUnchanged() {
        Architecture arch = new Architecture(new int[] {6, 5, 3}, Activation.RELU);
        float[] params = Initializer.initialize(arch, 2);
        SplittableRandom rng = new SplittableRandom(9);
        float[] x = new float[4 * 6];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        int[] labels = {0, 1, 2, 1};
        Mlp mlp = new Mlp(arch, 4);
        mlp.setParameters(params);
        System.arraycopy(x, 0, mlp.input(), 0, x.length);
        float[] before = new float[arch.parameterCount()];
        double lossBefore = mlp.accumulateGradient(4, labels, before);
        mlp.inputGradient(1, new float[6]);
        System.arraycopy(x, 0, mlp.input(), 0, x.length);
        float[] after = new float[arch.parameterCount()];
        assertEquals(lossBefore, mlp.accumulateGradient(4, labels, after));
        assertArrayEquals(before, after);
    }

    private static double logProbability(Mlp mlp, float[] x, int target) {
        System.arraycopy(x, 0, mlp.input(), 0, x.length);
        return Math.log(mlp.forward(1)[target]);
    }
}
