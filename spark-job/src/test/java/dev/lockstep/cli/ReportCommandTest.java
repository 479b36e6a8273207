package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.io.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small training run writes its report; the report's pictures and numbers are real; progress in logs is plain. */
class ReportCommandTest {
    static final List<String> PICTURES = List.of(
            "loss.png",
            "accuracy.png",
            "confusion.png",
            "class-accuracy.png",
            "digits.png",
            "confidently-wrong.png",
            "weights.png",
            "imagine.png");

    @TempDir
    static Path tmp;

    static Path run;
    static CommandRun.Outcome trained;

    @BeforeAll
    static void train() {
        run = tmp.resolve("run");
        trained = CommandRun.run(
                "train",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                run.toString(),
                "--layers",
                "784,32,10",
                "--epochs",
                "2",
                "--partitions",
                "2");
        assertEquals(0, trained.code(), trained.err());
    }

    @Test
    void trainingWritesTheReportWithEveryPicture() throws Exception {
        assertTrue(trained.err().contains("[lockstep] report: "), trained.err());
        Path html = run.resolve("report.html");
        assertTrue(Files.exists(html));
        for (String name : PICTURES) {
            BufferedImage img = ImageIO.read(run.resolve("report").resolve(name).toFile());
            assertNotNull(img, name);
            assertTrue(
                    img.getWidth() >= 100 && img.getHeight() >= 40,
                    name + " is " + img.getWidth() + "x" + img.getHeight());
            assertTrue(distinctColours(img) >= 5, name + " looks blank: " + distinctColours(img) + " colours");
        }
        assertEquals(640, ImageIO.read(run.resolve("report/loss.png").toFile()).getWidth());
        assertEquals(
                10 * (28 * 3 + 4) + 4,
                ImageIO.read(run.resolve("report/imagine.png").toFile()).getWidth());
    }

    @Test
    void theHtmlIsSelfContainedAndItsNumbersAreTheRunsNumbers() throws Exception {
        String html = Files.readString(run.resolve("report.html"));
        assertFalse(
                html.matches("(?s).*(src|href)=\"(https?:|//|[^d\"#][^\"]*\\.(png|css|js)).*"),
                "external resource in the page");
        // Every picture is embedded, and each embedded one decodes to the same picture as the file.
        Matcher img = Pattern.compile("data-file=\"([^\"]+)\" src=\"data:image/png;base64,([^\"]+)\"")
                .matcher(html);
        Set<String> embedded = new HashSet<>();
        while (img.find()) {
            embedded.add(img.group(1));
            byte[] bytes = Base64.getDecoder().decode(img.group(2));
            assertTrue(
                    Arrays.equals(
                            bytes, Files.readAllBytes(run.resolve("report").resolve(img.group(1)))),
                    img.group(1));
            assertNotNull(ImageIO.read(new ByteArrayInputStream(bytes)));
        }
        assertEquals(Set.copyOf(PICTURES), embedded);

        Map<String, Object> metrics =
                Json.readMap(new Configuration(), run.resolve("metrics.json").toString());
        @SuppressWarnings("unchecked")
        List<List<Number>> matrix = (List<List<Number>>) metrics.get("confusion_matrix");
        Matcher cell = Pattern.compile("data-true=\"(\\d+)\" data-predicted=\"(\\d+)\" data-count=\"(\\d+)\"")
                .matcher(html);
        int cells = 0;
        while (cell.find()) {
            long expected = matrix.get(Integer.parseInt(cell.group(1)))
                    .get(Integer.parseInt(cell.group(2)))
                    .longValue();
            assertEquals(expected, Long.parseLong(cell.group(3)), cell.group());
            cells++;
        }
        assertEquals(100, cells);
        assertTrue(html.contains("784,32,10"), "the config is shown");
    }

    @Test
    void historyHasThePerEpochMetrics() throws Exception {
        List<String> lines = Files.readAllLines(run.resolve("history.jsonl"));
        assertEquals(2, lines.size());
        for (String line : lines) {
            Map<String, Object> e = Json.parseMap(line, "history.jsonl");
            for (String key : List.of(
                    "epoch", "steps", "train_loss", "test_loss", "test_accuracy", "seconds", "examples_per_second")) {
                assertTrue(e.containsKey(key), "kept: " + key);
            }
            double trainAccuracy = ((Number) e.get("train_accuracy")).doubleValue();
            assertTrue(trainAccuracy > 0.5 && trainAccuracy <= 1, line);
            double rate = ((Number) e.get("learning_rate")).doubleValue();
            // The default cosine schedule ends at zero at the run's last step.
            assertTrue(((Number) e.get("epoch")).intValue() == 1 ? rate > 0 : rate >= 0, line);
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) e.get("step_time_ms");
            assertEquals(
                    70, ((Number) t.get("steps")).intValue(), "9,000 rows / 128 a step, every step timed: " + line);
            for (String part :
                    List.of("total", "ship", "scheduling_and_return", "fetch", "compute", "combine", "update")) {
                assertTrue(((Number) t.get(part)).doubleValue() >= 0, part);
            }
        }
        Map<String, Object> metrics =
                Json.readMap(new Configuration(), run.resolve("metrics.json").toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> location = (Map<String, Object>) metrics.get("data_location");
        assertTrue(String.valueOf(location.get("data")).endsWith("data/mnist"), location.toString());
    }

    @Test
    void progressIntoACapturedStreamIsPlainLines() {
        String err = trained.err();
        assertFalse(err.contains("\r"), "carriage return in captured progress");
        assertFalse(err.contains("\u001b"), "escape code in captured progress");
        assertTrue(err.chars().noneMatch(c -> c < 0x20 && c != '\n'), "control character in captured progress");
        assertTrue(err.contains("[lockstep] epoch 2/2  train_loss"), err);
    }

    @Test
    void theReportCommandRedrawsItAndImagineWritesARow() throws Exception {
        Files.delete(run.resolve("report/weights.png"));
        CommandRun.Outcome o = CommandRun.run("report", "--run", run.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(Files.exists(run.resolve("report/weights.png")));

        Path png = tmp.resolve("seven.png");
        CommandRun.Outcome one = CommandRun.run(
                "imagine",
                "--model",
                run.resolve("model.lsm").toString(),
                "--digit",
                "7",
                "--out",
                png.toString(),
                "--scale",
                "2");
        assertEquals(0, one.code(), one.err());
        assertEquals(28 * 2 + 8, ImageIO.read(png.toFile()).getWidth());
        Path row = tmp.resolve("all.png");
        assertEquals(
                0,
                CommandRun.run(
                                "imagine",
                                "--model",
                                run.resolve("model.lsm").toString(),
                                "--digit",
                                "all",
                                "--out",
                                row.toString())
                        .code());
        assertEquals(10 * (28 * 4 + 4) + 4, ImageIO.read(row.toFile()).getWidth());
        assertEquals(
                Main.EXIT_USAGE,
                CommandRun.run(
                                "imagine",
                                "--model",
                                run.resolve("model.lsm").toString(),
                                "--digit",
                                "12",
                                "--out",
                                row.toString())
                        .code());
        assertEquals(Main.EXIT_USAGE, CommandRun.run("report").code());
    }

    @Test
    void imagineStartsFromTheMeanOfTheRunsDigitsOrOfDataAndSaysWhenItHasNone() throws Exception {
        Path inRun = tmp.resolve("in-run.png");
        CommandRun.Outcome o = CommandRun.run(
                "imagine",
                "--model",
                run.resolve("model.lsm").toString(),
                "--digit",
                "all",
                "--scale",
                "3",
                "--out",
                inRun.toString());
        assertEquals(0, o.code(), o.err());
        assertFalse(o.err().contains("no mean image"), o.err());
        // The run's own evaluation digits, as its report used: the same picture, byte for byte.
        assertArrayEquals(Files.readAllBytes(run.resolve("report/imagine.png")), Files.readAllBytes(inRun));

        Path alone = Files.createDirectories(tmp.resolve("alone")).resolve("model.lsm");
        Files.copy(run.resolve("model.lsm"), alone);
        Path blank = tmp.resolve("blank.png");
        o = CommandRun.run("imagine", "--model", alone.toString(), "--digit", "5", "--out", blank.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("[lockstep] no mean image (the model is not in a run directory)"), o.err());

        Path withData = tmp.resolve("with-data.png");
        o = CommandRun.run(
                "imagine",
                "--model",
                alone.toString(),
                "--digit",
                "5",
                "--data",
                TestData.sampleDir().toString(),
                "--seed",
                "3",
                "--out",
                withData.toString());
        assertEquals(0, o.code(), o.err());
        assertFalse(o.err().contains("no mean image"), o.err());
        assertFalse(Arrays.equals(Files.readAllBytes(blank), Files.readAllBytes(withData)));

        o = CommandRun.run(
                "imagine",
                "--model",
                alone.toString(),
                "--digit",
                "5",
                "--data",
                tmp.resolve("nowhere").toString(),
                "--out",
                withData.toString());
        assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
        assertEquals(1, o.errorLines().size(), o.err());
    }

    static int distinctColours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                seen.add(img.getRGB(x, y));
                if (seen.size() > 50) return seen.size();
            }
        }
        return seen.size();
    }
}
