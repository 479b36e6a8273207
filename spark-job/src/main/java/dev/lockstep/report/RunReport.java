package dev.lockstep.report;

import dev.lockstep.LockstepException;
import dev.lockstep.Printable;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.io.Json;
import dev.lockstep.model.Classifier;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelDirectory;
import dev.lockstep.model.ModelFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The report of one training run, from its directory alone (model.lsm, metrics.json, history.jsonl) and the
 * data it was evaluated on, without Spark: PNGs in {@code RUN/report/} and everything in {@code RUN/report.html}.
 */
public final class RunReport {
    public static final String HTML = "report.html";
    public static final String PNG_DIR = "report";
    static final int SAMPLE_DIGITS = 60;
    static final int WRONG_DIGITS = 30;

    /** Where the report went; {@code notes} say what could not be drawn and why. */
    public record Written(String html, List<String> pngs, List<String> notes) {}

    private RunReport() {}

    /** @param dataOverride a --data directory to score instead of the one the run recorded, or null */
    public static Written write(Configuration conf, String runDir, String dataOverride) {
        String metricsUri = ModelDirectory.metricsFile(runDir);
        if (!ReportFiles.exists(conf, metricsUri))
            throw new LockstepException(runDir + " has no metrics.json: not a finished run");
        Map<String, Object> metrics = Json.readMap(conf, metricsUri);
        List<Map<String, Object>> history = ReportFiles.jsonLines(conf, ModelDirectory.historyFile(runDir));
        MlpModel model = ModelFile.read(conf, ModelDirectory.modelFile(runDir));
        String evalName = metrics.get("eval_set") instanceof String s ? s : "test";
        // With early stopping the epochs were evaluated on the validation hold-out, the test set only at the end.
        String epochsOn = metrics.get("selection") instanceof Map<?, ?> sel && sel.get("set") instanceof String set
                ? set
                : evalName;
        // A run without evaluation rows records none: its report is the curves, configuration and pictures.
        boolean evaluated = metrics.get("confusion_matrix") != null
                || !(metrics.get("eval_rows") instanceof Number n && n.longValue() == 0);
        List<List<Long>> confusion = evaluated ? confusion(metrics.get("confusion_matrix"), metricsUri) : null;
        if (evaluated && confusion.size() != model.architecture().outputSize()) {
            throw new LockstepException(metricsUri + ": confusion_matrix has " + confusion.size()
                    + " rows but the model has " + model.architecture().outputSize() + " classes");
        }

        String pngDir = new Path(runDir, PNG_DIR).toString();
        List<String> pngs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        HtmlReport html = new HtmlReport("Lockstep run " + new Path(runDir).getName());

        html.heading("Summary").table("metrics", summary(metrics, model));
        html.heading("Training");
        add(
                conf,
                html,
                pngs,
                pngDir,
                "loss.png",
                TrainingCurves.loss(history, epochsOn),
                "Loss per epoch, train and " + epochsOn);
        add(
                conf,
                html,
                pngs,
                pngDir,
                "accuracy.png",
                TrainingCurves.accuracy(history, epochsOn),
                "Accuracy per epoch: train (on the epoch's augmented batches, before each step's update) and "
                        + epochsOn);
        html.grid("history", historyHeader(), historyRows(history));

        if (evaluated) errors(conf, html, pngs, pngDir, evalName, confusion);
        else html.heading("Errors").paragraph("The run had no evaluation rows: nothing was scored.");
        if (!model.isImage()) {
            // Rows that are not pictures have nothing to draw as one: the charts above say everything.
            String why = "the model's input (" + model.architecture().inputSize() + " features) is not an image";
            notes.add("no digit grids, weights or imagined inputs: " + why);
            html.paragraph("No digit grids, first-layer weights or imagined inputs: " + why + ".");
        } else {
            pictures(conf, html, pngs, notes, pngDir, model, evaluated ? metrics : null, dataOverride, evalName);
        }
        html.heading("Configuration").table("config", asMap(metrics.get("config")));

        String htmlUri = ReportFiles.write(conf, runDir, HTML, html.render().getBytes(StandardCharsets.UTF_8));
        return new Written(htmlUri, pngs, notes);
    }

    /** The confusion matrix as a heatmap and a table, and the accuracy of each class. */
    private static void errors(
            Configuration conf,
            HtmlReport html,
            List<String> pngs,
            String pngDir,
            String evalName,
            List<List<Long>> confusion) {
        html.heading("Errors on the " + evalName + " set");
        add(
                conf,
                html,
                pngs,
                pngDir,
                "confusion.png",
                ConfusionHeatmap.draw(confusion),
                "Confusion matrix (rows: true label)");
        add(conf, html, pngs, pngDir, "class-accuracy.png", ClassAccuracyChart.draw(confusion), "Accuracy per class");
        html.confusion(confusion);
    }

    /**
     * The image model's pictures: scored digits and its worst mistakes (not without {@code metrics}, for a run without
     * evaluation rows), first-layer weights, imagined classes.
     */
    private static void pictures(
            Configuration conf,
            HtmlReport html,
            List<String> pngs,
            List<String> notes,
            String pngDir,
            MlpModel model,
            Map<String, Object> metrics,
            String dataOverride,
            String evalName) {
        ImagePrior prior = null; // the imagined digits' prior, when the evaluation digits can be read
        try {
            if (metrics == null) throw new LockstepException("the run had no evaluation rows");
            LabeledImages data = EvalData.load(conf, metrics, dataOverride);
            if (data.count() > 0 && data.features() == model.architecture().inputSize()) prior = ImagePrior.of(data);
            Scores scores = Scores.of(new Classifier(model), data);
            add(
                    conf,
                    html,
                    pngs,
                    pngDir,
                    "digits.png",
                    Png.of(DigitGrid.draw(scores.first(SAMPLE_DIGITS), 10)),
                    "The first " + Math.min(SAMPLE_DIGITS, scores.count()) + " " + evalName
                            + " digits: p = predicted, t = true, " + "confidence; wrong ones framed in red");
            add(
                    conf,
                    html,
                    pngs,
                    pngDir,
                    "confidently-wrong.png",
                    Png.of(DigitGrid.draw(scores.mostConfidentlyWrong(WRONG_DIGITS), 10)),
                    "The most confidently wrong predictions");
        } catch (RuntimeException e) {
            notes.add("no digit grids: " + e.getMessage());
            html.paragraph("No digit grids: " + e.getMessage());
        }

        html.heading("What the network learned");
        add(
                conf,
                html,
                pngs,
                pngDir,
                "weights.png",
                Png.of(WeightTiles.draw(model)),
                "First-layer weights of up to " + WeightTiles.MAX_UNITS + " hidden units (red excites, blue inhibits)");
        add(
                conf,
                html,
                pngs,
                pngDir,
                "imagine.png",
                Png.of(Imagine.all(model, prior, Imagine.DEFAULT_SEED, 3)),
                "Imagined: for each class, the input the network finds most like it (regularised gradient ascent "
                        + (prior != null ? "from the " + evalName + " digits' mean image" : "from a blank image")
                        + ")");
    }

    private static void add(
            Configuration conf,
            HtmlReport html,
            List<String> pngs,
            String dir,
            String name,
            byte[] png,
            String caption) {
        pngs.add(ReportFiles.write(conf, dir, name, png));
        html.image(name, png, caption);
    }

    private static Map<String, Object> summary(Map<String, Object> metrics, MlpModel model) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of(
                "test_accuracy",
                "test_loss",
                "eval_set",
                "eval_rows",
                "epochs",
                "steps",
                "train_seconds",
                "examples_per_second",
                "partitions",
                "parameters",
                "data")) {
            if (metrics.containsKey(k)) m.put(k, metrics.get(k));
        }
        m.put("architecture", model.architecture().toString());
        if (metrics.get("step_time_ms") instanceof Map<?, ?> t) m.put("step_time_ms (median)", Json.line(t));
        return m;
    }

    private static List<String> historyHeader() {
        return List.of(
                "epoch",
                "train_loss",
                "train_accuracy",
                "test_loss",
                "test_accuracy",
                "learning_rate",
                "seconds",
                "examples_per_second",
                "step ms (median)");
    }

    private static List<List<Object>> historyRows(List<Map<String, Object>> history) {
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> e : history) {
            List<Object> row = new ArrayList<>();
            for (String k : historyHeader().subList(0, 8))
                row.add(e.get(k) instanceof Number n ? (Object) n.doubleValue() : e.get(k));
            row.set(0, e.get("epoch"));
            row.add(
                    e.get("step_time_ms") instanceof Map<?, ?> t && t.get("total") instanceof Number n
                            ? (Object) n.doubleValue()
                            : null);
            rows.add(row);
        }
        return rows;
    }

    /**
     * The confusion matrix of metrics.json ({@code uri}, named in errors): square, every cell a whole count of at
     * least 0, so what a hand-edited or damaged file holds is one clear error, not a ClassCastException.
     */
    static List<List<Long>> confusion(Object o, String uri) {
        if (!(o instanceof List<?> rows) || rows.isEmpty())
            throw new LockstepException(uri + " has no confusion_matrix (a list of rows of counts)");
        List<List<Long>> m = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (!(rows.get(i) instanceof List<?> cells) || cells.size() != rows.size()) {
                throw new LockstepException(uri + ": confusion_matrix is not square: row " + i + " is not a list of "
                        + rows.size() + " counts");
            }
            List<Long> row = new ArrayList<>();
            for (int j = 0; j < cells.size(); j++) {
                Object c = cells.get(j);
                if (!(c instanceof Integer || c instanceof Long) || ((Number) c).longValue() < 0) {
                    throw new LockstepException(
                            uri + ": confusion_matrix[" + i + "][" + j + "] is " + shown(c) + ", not a count");
                }
                row.add(((Number) c).longValue());
            }
            m.add(row);
        }
        return m;
    }

    /** A JSON value as an error message shows it: strings quoted, long ones cut, control characters escaped. */
    private static String shown(Object v) {
        String s = v instanceof String str ? "\"" + str + "\"" : String.valueOf(v);
        s = Printable.escape(s);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
