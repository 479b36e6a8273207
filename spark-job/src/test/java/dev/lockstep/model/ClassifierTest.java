package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.nn.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

class ClassifierTest {
    private final Architecture arch = new Architecture(new int[] {6, 5, 3}, Activation.TANH);
    private final MlpModel model = new MlpModel(arch, Initializer.initialize(arch, 4), new InputScaling(0.5f, -1f));

    @Test
    void appliesTheModelsScalingThenTheNetwork() {
        float[] raw = {0, 1, 2, 3, 4, 5};
        Mlp reference = new Mlp(arch, 1);
        reference.setParameters(model.parameters());
        for (int i = 0; i < 6; i++) reference.input()[i] = raw[i] * 0.5f - 1f;
        float[] expected = Arrays.copyOf(reference.forward(1), 3);

        Classifier c = new Classifier(model);
        assertArrayEquals(expected, c.probabilities(raw));
        double[] fromVector =
                c.probabilities(Vectors.sparse(6, new int[] {1, 2, 3, 4, 5}, new double[] {1, 2, 3, 4, 5}));
        for (int k = 0; k < 3; k++) assertEquals(expected[k], fromVector[k], 0f);
        int best = 0;
        for (int k = 1; k < 3; k++) if (expected[k] > expected[best]) best = k;
        assertEquals(best, c.predict(raw));
        assertThrows(IllegalArgumentException.class, () -> c.probabilities(new float[5]));
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        Classifier c = new Classifier(model);
        float[][] images = new float[64][6];
        float[][] expected = new float[64][];
        for (int n = 0; n < 64; n++) {
            for (int i = 0; i < 6; i++) images[n][i] = (n * 31 + i * 7) % 256;
            expected[n] = c.probabilities(images[n]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 5000; round++) {
                        int n = (round + offset) % 64;
                        if (!Arrays.equals(expected[n], c.probabilities(images[n]))) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) assertEquals(true, f.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void appliesAPerFeatureScaling() {
        float[] scales = {1f, 0.5f, 0f, 2f, 1e-3f, -1f};
        float[] offsets = {0f, -1f, 0f, 0.5f, -2f, 3f};
        MlpModel tabular =
                new MlpModel(arch, model.parameters(), InputScaling.perFeature(scales, offsets), false, 0, 6);
        float[] raw = {3, 1000, -7, 0.25f, 1500, 2};
        Mlp reference = new Mlp(arch, 1);
        reference.setParameters(model.parameters());
        for (int i = 0; i < 6; i++) reference.input()[i] = raw[i] * scales[i] + offsets[i];
        assertArrayEquals(Arrays.copyOf(reference.forward(1), 3), new Classifier(tabular).probabilities(raw));
    }

    @Test
    void picturesAreForModelsOf28x28Images() {
        java.awt.image.BufferedImage picture =
                new java.awt.image.BufferedImage(10, 10, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 3; y < 7; y++) picture.getRaster().setSample(5, y, 0, 255); // a stroke: a "1"
        String msg = assertThrows(IllegalArgumentException.class, () -> new Classifier(model).probabilities(picture))
                .getMessage();
        assertEquals("pictures are scored as 28x28 images, but the model takes 6 features that are not a picture", msg);
        Architecture wide = new Architecture(new int[] {784, 3}, Activation.TANH);
        MlpModel notAnImage =
                new MlpModel(wide, new float[wide.parameterCount()], InputScaling.IDENTITY, false, 0, 784);
        assertThrows(IllegalArgumentException.class, () -> new Classifier(notAnImage).probabilities(picture));
        MlpModel image = new MlpModel(wide, new float[wide.parameterCount()]);
        assertEquals(3, new Classifier(image).probabilities(picture).length, "a version 1 style 784-input model");
    }
}
