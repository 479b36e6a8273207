package dev.lockstep.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lockstep.model.Classifier;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported graphs score rows as Lockstep's own classifier does, as ONNX Runtime runs them. */
class OnnxExportTest {
    private static final int ROWS = 1_000;

    @Test
    void reluImageModelWithUniformScalingScoresAsTheClassifier(@TempDir Path dir) throws Exception {
        Random rnd = new Random(11);
        MlpModel model = new MlpModel(
                new Architecture(new int[] {64, 32, 16, 10}, Activation.RELU),
                parameters(rnd, new int[] {64, 32, 16, 10}),
                InputScaling.UNIT,
                true,
                8,
                8);
        float[][] rows = new float[ROWS][64];
        for (float[] row : rows) for (int f = 0; f < row.length; f++) row[f] = rnd.nextInt(256);

        Path file = dir.resolve("image.onnx");
        OnnxExport.write(new Configuration(), file.toUri().toString(), model);
        assertScoresAgree(model, Files.readAllBytes(file), rows);
    }

    @Test
    void tanhFloatModelWithPerFeatureScalingScoresAsTheClassifier() throws Exception {
        Random rnd = new Random(12);
        int features = 12;
        double[] mean = new double[features], std = new double[features];
        for (int f = 0; f < features; f++) {
            mean[f] = rnd.nextGaussian() * 50;
            std[f] = 0.1 + rnd.nextDouble() * 20;
        }
        std[3] = 0; // a constant feature: scale 0, offset 0
        MlpModel model = new MlpModel(
                new Architecture(new int[] {features, 20, 7, 5}, Activation.TANH),
                parameters(rnd, new int[] {features, 20, 7, 5}),
                InputScaling.standardize(mean, std),
                false,
                0,
                features);
        float[][] rows = new float[ROWS][features];
        for (float[] row : rows) {
            for (int f = 0; f < features; f++) row[f] = (float) (mean[f] + rnd.nextGaussian() * Math.max(std[f], 1));
        }
        assertScoresAgree(model, OnnxExport.toBytes(model), rows);
    }

    @Test
    void sigmoidModelWithIdentityScalingHasNoScalingNodes() throws Exception {
        Random rnd = new Random(13);
        MlpModel model = new MlpModel(
                new Architecture(new int[] {5, 4, 3}, Activation.SIGMOID),
                parameters(rnd, new int[] {5, 4, 3}),
                InputScaling.IDENTITY,
                false,
                0,
                5);
        byte[] onnx = OnnxExport.toBytes(model);
        String text = new String(onnx, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(!text.contains("Mul") && !text.contains("Add"), "identity scaling adds no nodes");
        float[][] rows = new float[ROWS][5];
        for (float[] row : rows) for (int f = 0; f < 5; f++) row[f] = (float) (rnd.nextGaussian() * 3);
        assertScoresAgree(model, onnx, rows);
    }

    private static void assertScoresAgree(MlpModel model, byte[] onnx, float[][] rows) throws OrtException {
        Classifier classifier = new Classifier(model);
        int classes = model.architecture().outputSize();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] scored;
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(env, rows);
                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            assertEquals(OnnxExport.OUTPUT, session.getOutputNames().iterator().next());
            scored = (float[][]) result.get(0).getValue();
        }
        assertEquals(rows.length, scored.length);
        int[] seen = new int[classes];
        for (int r = 0; r < rows.length; r++) {
            float[] expected = classifier.probabilities(rows[r]);
            assertEquals(classes, scored[r].length);
            for (int c = 0; c < classes; c++) {
                assertEquals(expected[c], scored[r][c], 1e-5, "row " + r + " class " + c);
            }
            int predicted = Classifier.mostProbable(expected);
            assertEquals(predicted, Classifier.mostProbable(scored[r]), "row " + r);
            seen[predicted]++;
        }
        // The rows exercise the model: not every one lands in a single class.
        int busiest = 0;
        for (int n : seen) busiest = Math.max(busiest, n);
        assertTrue(busiest < rows.length, "every row predicted as one class");
    }

    /** He-scaled Gaussian weights, small nonzero biases, in Lockstep's layout. */
    private static float[] parameters(Random rnd, int[] sizes) {
        Architecture arch = new Architecture(sizes, Activation.RELU);
        float[] p = new float[arch.parameterCount()];
        for (int l = 0; l < sizes.length - 1; l++) {
            double sd = Math.sqrt(2.0 / sizes[l]);
            for (int i = 0; i < sizes[l] * sizes[l + 1]; i++) {
                p[arch.weightOffset(l) + i] = (float) (rnd.nextGaussian() * sd);
            }
            for (int i = 0; i < sizes[l + 1]; i++) p[arch.biasOffset(l) + i] = (float) (rnd.nextGaussian() * 0.1);
        }
        return p;
    }
}
