package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.cli.CommandRun.Outcome;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.workflow.PictureReaderTest;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict on pictures drawn with Java2D, on IDX rows, distributed with --out, and its failures. */
class PredictCommandTest {
    @TempDir
    static Path tmp;

    static Path model;

    @BeforeAll
    static void trainAModel() {
        SharedSpark.context();
        Path out = tmp.resolve("run");
        Outcome o = run(
                "train",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                out.toString(),
                "--layers",
                "784,128,10",
                "--epochs",
                "4",
                "--partitions",
                "2");
        assertEquals(0, o.code(), o.err());
        model = out.resolve("model.lsm");
    }

    /** A digit as a person would draw it in a paint program: black pen on white, large canvas. */
    static Path draw(String name, Consumer<Graphics2D> strokes) throws Exception {
        BufferedImage img = new BufferedImage(200, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 200, 240);
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setStroke(new BasicStroke(18, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        strokes.accept(g);
        g.dispose();
        Path file = tmp.resolve(name);
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    static int predicted(String stdout, Path file) {
        for (String line : stdout.lines().toList()) {
            if (line.startsWith(file.toString() + "  ")) return Integer.parseInt(line.split("\\s+")[1]);
        }
        throw new AssertionError("no prediction for " + file + " in\n" + stdout);
    }

    @Test
    void picturesDrawnOnWhiteAreRecognised() throws Exception {
        Path one = draw("one.png", g -> g.drawLine(105, 30, 95, 210));
        Path zero = draw("zero.png", g -> g.drawOval(45, 30, 110, 180));
        Path seven = draw("seven.png", g -> {
            g.drawLine(40, 40, 165, 40);
            g.drawLine(165, 40, 85, 210);
        });
        Outcome o = predict("--model", model.toString(), one.toString(), zero.toString(), seven.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(1, predicted(o.out(), one), o.out());
        assertEquals(0, predicted(o.out(), zero), o.out());
        assertEquals(7, predicted(o.out(), seven), o.out());
    }

    @Test
    void idxRowsWithLabelsBesideThemReportAccuracy() {
        Outcome o = predict(
                "--model",
                model.toString(),
                TestData.sampleDir().resolve("train-images-idx3-ubyte.gz").toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(10_001, o.out().lines().count(), "one line per row, then the accuracy");
        assertTrue(
                o.out()
                        .lines()
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .matches(".*accuracy 9\\d\\.\\d\\d% on 10,000 labelled rows"),
                o.out());
    }

    @Test
    void distributedScoringWritesTheSamePredictionsAsCsv() throws Exception {
        Path one = draw("batch-one.png", g -> g.drawLine(105, 30, 95, 210));
        Path csv = tmp.resolve("predictions.csv");
        Outcome o = predict(
                "--out",
                csv.toString(),
                "--master",
                "local[2]",
                "--model",
                model.toString(),
                one.toString(),
                TestData.sampleDir().resolve("train-images-idx3-ubyte.gz").toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("input,row,label,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9", lines.get(0));
        assertEquals(1 + 1 + 10_000, lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.contains("batch-one.png,,,1,")), lines.get(1));
        Outcome local = predict(
                "--model",
                model.toString(),
                TestData.sampleDir().resolve("train-images-idx3-ubyte.gz").toString());
        String row42 =
                local.out().lines().filter(l -> l.contains("#42  ")).findFirst().orElseThrow();
        String csv42 = lines.stream()
                .filter(l -> l.contains("train-images-idx3-ubyte.gz,42,"))
                .findFirst()
                .orElseThrow();
        assertEquals(row42.split("\\s+")[1], csv42.split(",")[3]);
    }

    @Test
    void failuresAreOneLine() throws Exception {
        Path notAnImage = tmp.resolve("broken.png");
        Files.write(notAnImage, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path corruptModel = tmp.resolve("corrupt.lsm");
        byte[] m = Files.readAllBytes(model);
        m[m.length / 2] ^= 0x40;
        Files.write(corruptModel, m);
        String[][] cases = {
            {"--model", model.toString(), notAnImage.toString()},
            {"--model", model.toString(), tmp.resolve("missing.png").toString()},
            {"--model", corruptModel.toString(), notAnImage.toString()},
            {"--model", tmp.resolve("no-model.lsm").toString(), notAnImage.toString()},
        };
        for (String[] args : cases) {
            Outcome o = predict(args);
            assertEquals(Main.EXIT_FAILURE, o.code(), String.join(" ", args));
            List<String> lines = o.err().lines().toList();
            assertEquals(1, lines.size(), o.err());
            assertTrue(lines.get(0).startsWith("lockstep: error: "), o.err());
        }
        assertTrue(predict(cases[2]).err().contains("checksum"), "corrupt model named as such");
    }

    @Test
    void picturesWithAModelNotTaking28x28SayWhatTheModelTakes() throws Exception {
        Path one = draw("shape-one.png", g -> g.drawLine(105, 30, 95, 210));
        Path small = tmp.resolve("ten-by-ten.lsm");
        Architecture arch = new Architecture(new int[] {100, 8, 10}, Activation.RELU);
        ModelFile.write(new Configuration(), small.toString(), new MlpModel(arch, new float[arch.parameterCount()]));

        Outcome o = predict("--model", small.toString(), one.toString());

        assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
        assertEquals(
                List.of("lockstep: error: " + one + ": pictures are scored as 28x28 images (784 inputs), but the model "
                        + small
                        + " takes 100 inputs (10x10 images); score IDX or CSV files of 100-pixel rows with it, or use a"
                        + " model trained on 28x28 images"),
                o.err().lines().toList());
        assertEquals("", o.out());
    }

    @Test
    void aPictureDeclaringHugeDimensionsIsOneLine() throws Exception {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, PictureReaderTest.PictureFiles.pngDeclaring(30000, 30000));

        Outcome o = predict("--model", model.toString(), bomb.toString());

        assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
        assertEquals(
                List.of("lockstep: error: " + bomb + ": the picture is 30000x30000 pixels, more than the 8192 pixels"
                        + " a side predict reads; scale it down (20x20 to 1000x1000 is plenty)"),
                o.err().lines().toList());
    }

    static Outcome predict(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "predict";
        System.arraycopy(args, 0, full, 1, args.length);
        return run(full);
    }
}
