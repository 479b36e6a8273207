package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.CommandRun.Outcome;
import dev.lockstep.model.Classifier;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.TestModels;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict, evaluate and imagine with a model whose input is 3 float features, not a picture, and 3 classes. */
class PredictFeaturesTest {
    @TempDir
    static Path tmp;

    static MlpModel model;
    static Path modelFile;
    static final float[][] ROWS = {{1.25f, 2400f, -3f}, {-0.5f, 3100.5f, 7f}, {4f, 2500f, 0f}};
    static final int[] LABELS = {2, 0, 1};

    @BeforeAll
    static void writeModel() throws Exception {
        model = TestModels.tabular(); // per-feature scaling: the reader must apply it, not /255
        modelFile = tmp.resolve("tabular.lsm");
        try (OutputStream out = Files.newOutputStream(modelFile)) {
            ModelFile.write(out, model);
        }
    }

    private static Path csv(String name, boolean labelled) throws Exception {
        StringBuilder b = new StringBuilder(labelled ? "label,a,b,c\n" : "a,b,c\n");
        for (int r = 0; r < ROWS.length; r++) {
            if (labelled) b.append(LABELS[r]).append(',');
            b.append(ROWS[r][0])
                    .append(',')
                    .append(ROWS[r][1])
                    .append(',')
                    .append(ROWS[r][2])
                    .append('\n');
        }
        Path p = tmp.resolve(name);
        Files.writeString(p, b);
        return p;
    }

    @Test
    void csvRowsOfAnyNumbersScoreAsTheClassifierDoes() throws Exception {
        Path rows = csv("rows.csv", false);
        Outcome o = run("predict", "--model", modelFile.toString(), "--top", "2", rows.toString());
        assertEquals(0, o.code(), o.err());
        Classifier c = new Classifier(model);
        List<String> lines = o.out().lines().toList();
        assertEquals(ROWS.length, lines.size(), o.out());
        for (int r = 0; r < ROWS.length; r++) {
            float[] p = c.probabilities(ROWS[r]);
            int best = Classifier.mostProbable(p);
            String line = lines.get(r);
            assertTrue(line.startsWith(rows + "#" + r + "  " + best + "  ["), line);
            assertTrue(line.contains(String.format(Locale.ROOT, "%d: %.4f", best, p[best])), line);
            assertEquals(2, line.split(":").length - 1, "the top 2 classes: " + line);
        }
        assertFalse(o.out().contains("accuracy"), "no labels, no accuracy");
    }

    @Test
    void outWritesAProbabilityPerClassAndTheLabels() throws Exception {
        Path rows = csv("labelled.csv", true);
        Path out = tmp.resolve("predictions.csv");
        Outcome o = run("predict", "--model", modelFile.toString(), "--out", out.toString(), rows.toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("input,row,label,predicted,p0,p1,p2", lines.get(0));
        assertEquals(ROWS.length + 1, lines.size());
        Classifier c = new Classifier(model);
        for (int r = 0; r < ROWS.length; r++) {
            float[] p = c.probabilities(ROWS[r]);
            String expected = String.format(
                    Locale.ROOT,
                    "%s,%d,%d,%d,%.6f,%.6f,%.6f",
                    rows,
                    r,
                    LABELS[r],
                    Classifier.mostProbable(p),
                    p[0],
                    p[1],
                    p[2]);
            assertEquals(expected, lines.get(r + 1));
        }
    }

    @Test
    void evaluateReadsTheSameLabelledCsvAndScoresAsTheClassifier() throws Exception {
        Path rows = csv("evaluate.csv", true);
        Classifier c = new Classifier(model);
        int correct = 0;
        for (int r = 0; r < ROWS.length; r++) if (c.predict(ROWS[r]) == LABELS[r]) correct++;
        Outcome e = run("evaluate", "--model", modelFile.toString(), "--test", rows.toString(), "--partitions", "2");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("(3 rows)"), e.out());
        assertTrue(
                e.out().contains(String.format(Locale.ROOT, "accuracy %.2f%%", 100.0 * correct / ROWS.length)),
                e.out());

        Outcome unlabelled = run(
                "evaluate",
                "--model",
                modelFile.toString(),
                "--test",
                csv("plain.csv", false).toString());
        assertEquals(1, unlabelled.code(), unlabelled.err());
        assertEquals(1, unlabelled.errorLines().size(), unlabelled.err());
        assertTrue(unlabelled.errorLines().get(0).endsWith("evaluate needs a label first, then the 3 values"));
    }

    @Test
    void aRowOfAnotherWidthIsOneLineExit1() throws Exception {
        Path wide = tmp.resolve("wide.csv");
        Files.writeString(wide, "1,2,3,4,5\n");
        Outcome o = run("predict", "--model", modelFile.toString(), wide.toString());
        assertEquals(1, o.code(), o.err());
        assertEquals(
                List.of("lockstep: error: " + wide + ": line 1: 5 fields, but the model takes 3 features: give 3 "
                        + "values a row, or a label and 3 values"),
                o.errorLines());
    }

    @Test
    void picturesAndImagineAreRefusedInOneLine() throws Exception {
        Path png = tmp.resolve("digit.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        Outcome p = run("predict", "--model", modelFile.toString(), png.toString());
        assertEquals(1, p.code(), p.err());
        assertEquals(1, p.errorLines().size(), p.err());
        assertTrue(p.errorLines().get(0).contains("takes 3 features that are not a picture"), p.err());

        Outcome i = run(
                "imagine",
                "--model",
                modelFile.toString(),
                "--digit",
                "all",
                "--out",
                tmp.resolve("all.png").toString());
        assertEquals(1, i.code(), i.err());
        assertEquals(
                List.of("lockstep: error: imagine draws a picture of an image model's input, but this model takes 3 "
                        + "features that are not an image"),
                i.errorLines());
        assertFalse(Files.exists(tmp.resolve("all.png")));
    }
}
