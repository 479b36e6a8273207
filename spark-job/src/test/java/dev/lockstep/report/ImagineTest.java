package dev.lockstep.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.model.Classifier;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.rows.InMemoryRows;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The imagined digits of a model trained on real MNIST are, to that model, the digits they were made for, and, as
 * drawn in the PNG, look like them: each correlates best with its own class's mean training image, and at least as
 * well as a typical real digit does. Checked on a small model and on one of the README's default layers, whose
 * confident network is satisfied by a faint change from the mean image unless the ascent is shaped by the data.
 */
class ImagineTest {
    static final int TRAIN = 8000;
    static LabeledImages train;
    static MlpModel model, defaultLayers;
    static double[][] classMeans;
    static float[] mean;
    static ImagePrior prior;
    static BufferedImage row, defaultRow; // every class at scale 1, decoded from the PNG's bytes

    @BeforeAll
    static void trainModels() {
        LabeledImages sample = TestData.sample(); // the first 10,000 MNIST training images
        train = sample.slice(0, TRAIN);
        model = train(sample, new int[] {784, 64, 10}, 3);
        defaultLayers = train(sample, new int[] {784, 256, 128, 10}, 4);
        classMeans = new double[10][784];
        int[] count = new int[10];
        byte[] pixels = train.pixels();
        for (int row = 0; row < TRAIN; row++) {
            int c = train.label(row);
            count[c]++;
            for (int i = 0; i < 784; i++) classMeans[c][i] += pixels[row * 784 + i] & 0xFF;
        }
        for (int c = 0; c < 10; c++) for (int i = 0; i < 784; i++) classMeans[c][i] /= count[c];
        prior = ImagePrior.of(train); // every class together: no class's own mean is given away
        mean = prior.mean();
        row = drawAll(model);
        defaultRow = drawAll(defaultLayers);
    }

    private static MlpModel train(LabeledImages sample, int[] layers, int epochs) {
        TrainConfig config = TrainConfig.builder()
                .layers(layers)
                .epochs(epochs)
                .batchSize(128)
                .partitions(2)
                .build();
        TrainingResult r = new Trainer(SharedSpark.context(), config, List.of())
                .fit(new InMemoryRows(train), new InMemoryRows(sample.slice(TRAIN, 10000)), "test");
        assertTrue(
                r.finalEvaluation().accuracy() > 0.85,
                "a decent model: " + r.finalEvaluation().accuracy());
        return new MlpModel(r.architecture(), r.parameters(), InputScaling.UNIT, true, 28, 28);
    }

    private static BufferedImage drawAll(MlpModel m) {
        try {
            return ImageIO.read(new ByteArrayInputStream(Imagine.png(Imagine.all(m, prior, Imagine.DEFAULT_SEED, 1))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyImaginedDigitAsDrawnIsThatDigitToTheNetworkAndLooksLikeIt() {
        looksLikeItsDigits(model, row);
    }

    @Test
    void soOnAModelOfTheDefaultLayers() {
        looksLikeItsDigits(defaultLayers, defaultRow);
    }

    private static void looksLikeItsDigits(MlpModel model, BufferedImage row) {
        // A real digit's correlation with its class's mean, over the training images.
        double[] real = new double[TRAIN];
        byte[] pixels = train.pixels();
        for (int r = 0; r < TRAIN; r++) {
            double[] digit = new double[784];
            for (int i = 0; i < 784; i++) digit[i] = pixels[r * 784 + i] & 0xFF;
            real[r] = pearson(digit, classMeans[train.label(r)]);
        }
        Arrays.sort(real);
        double median = real[TRAIN / 2], p10 = real[TRAIN / 10];
        assertTrue(p10 > 0.45 && p10 < 0.55 && median > 0.63 && median < 0.73, p10 + " " + median); // as MNIST has it

        Classifier classifier = new Classifier(model);
        StringBuilder report = new StringBuilder(
                model.architecture().layersString() + ": real digits: p10 " + f(p10) + ", median " + f(median) + "\n");
        for (int digit = 0; digit < 10; digit++) {
            float[] drawn = cell(row, digit); // the pixels the PNG holds, not the array they came from
            double[] asDoubles = new double[784];
            for (int i = 0; i < 784; i++) asDoubles[i] = drawn[i];
            double own = pearson(asDoubles, classMeans[digit]);
            float p = classifier.probabilities(drawn)[digit];
            report.append(digit).append(": p ").append(f(p)).append(", r ").append(f(own));
            for (int other = 0; other < 10; other++) {
                double r = pearson(asDoubles, classMeans[other]);
                if (other != digit) {
                    assertTrue(
                            r < own,
                            digit + " correlates with the mean " + other + " (" + f(r) + ") at least as"
                                    + " well as with its own (" + f(own) + ")");
                }
            }
            // What the ascent changed from the mean image points towards the class, not away: the network drew it.
            double[] change = new double[784], towards = new double[784];
            for (int i = 0; i < 784; i++) {
                change[i] = drawn[i] - mean[i];
                towards[i] = classMeans[digit][i] - mean[i];
            }
            double turn = pearson(change, towards);
            report.append(", change towards its class ").append(f(turn)).append('\n');
            assertTrue(turn > 0, "digit " + digit + " moved away from its class's mean: " + f(turn));
            assertTrue(p >= 0.9, "digit " + digit + " with probability " + p);
            assertTrue(
                    own >= median,
                    "digit " + digit + " correlates " + f(own) + " with its class's mean, below"
                            + " a typical real digit's " + f(median));
        }
        System.out.print(report);
    }

    @Test
    void theSameSeedDrawsTheSameBytesAndOneClassAsInTheRow() throws Exception {
        long seed = Imagine.DEFAULT_SEED;
        byte[] once = Imagine.png(Imagine.image(model, prior, 3, seed, 1));
        assertArrayEquals(once, Imagine.png(Imagine.image(model, prior, 3, seed, 1)));
        float[] three = cell(ImageIO.read(new ByteArrayInputStream(once)), 0);
        assertArrayEquals(cell(row, 3), three, "one class alone is drawn as in the row of all");
        assertArrayEquals(three, Imagine.input(model, prior, 3, seed), "drawn exactly as imagined");
        assertFalse(Arrays.equals(once, Imagine.png(Imagine.image(model, prior, 3, seed + 1, 1))), "the seed matters");
    }

    @Test
    void withoutAMeanImageItStartsFromBlankAndStillReachesTheClass() {
        Classifier classifier = new Classifier(model);
        for (int digit = 0; digit < 10; digit++) {
            float[] raw = Imagine.input(model, null, digit, Imagine.DEFAULT_SEED);
            float ink = 0;
            for (float v : raw) {
                assertTrue(v >= 0 && v <= 255 && v == Math.round(v), "a whole intensity: " + v);
                ink += v;
            }
            assertTrue(ink > 0, "not blank");
            assertTrue(classifier.probabilities(raw)[digit] >= 0.9, "digit " + digit);
        }
    }

    /** Class {@code c}'s picture in a row drawn at scale 1, as raw intensities (grey: any channel). */
    static float[] cell(BufferedImage row, int c) {
        float[] raw = new float[784];
        int x0 = Imagine.GAP + c * (28 + Imagine.GAP);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) raw[y * 28 + x] = row.getRGB(x0 + x, Imagine.GAP + y) & 0xFF;
        }
        return raw;
    }

    static double pearson(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    static String f(double v) {
        return String.format("%.3f", v);
    }
}
