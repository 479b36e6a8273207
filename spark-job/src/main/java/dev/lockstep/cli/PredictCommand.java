package dev.lockstep.cli;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.model.Classifier;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.workflow.BatchPredictions;
import dev.lockstep.workflow.Prediction;
import dev.lockstep.workflow.PredictionInput;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "predict",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Predict classes: for pictures (PNG, JPEG, GIF, BMP; up to 8192 pixels a side; dark-on-light or",
            "light-on-dark; 28x28 image models only), IDX image files and CSV files (for a model that does not take",
            "images: rows of its width in numbers, or a label first, then those). Without --out, scores on this",
            "machine without Spark and prints each prediction; with --out, scores on Spark (--master) and writes",
            "the predictions as CSV."
        })
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file (model.lsm).")
    String model;

    @Option(
            names = "--top",
            defaultValue = "3",
            description = "How many of the most probable classes to show (default 3).")
    int top;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Score on Spark and write predictions here as CSV: input,row,label,predicted,p0,..."
                    + " (a p per class).")
    String out;

    @Option(names = "--master", description = "Spark master for --out (default local[*]).")
    String master;

    @Parameters(
            arity = "1..*",
            paramLabel = "INPUT",
            description = "Pictures, IDX image files, CSV files, or directories of them.")
    List<String> inputs;

    @Override
    public Integer call() {
        if (top < 1) throw new UsageException("--top must be positive");
        if (master != null && out == null) throw new UsageException("--master only applies with --out");
        if (master != null) SparkSetup.checkMaster(master);
        SparkSetup.Environment env = SparkSetup.Environment.load();
        SparkConf sparkConf = env.sparkConf();
        Configuration hadoop = env.hadoop();
        MlpModel m = ModelFile.read(hadoop, model);
        List<PredictionInput> found = PredictionInput.expand(hadoop, inputs);
        PredictionInput.requirePictureModel(found, m, model);

        if (out == null) {
            printLocally(new Classifier(m), hadoop, found, spec.commandLine().getOut());
            return 0;
        }
        List<Prediction> predictions;
        try (SparkSetup.Session session = SparkSetup.start(sparkConf, master, "lockstep-predict")) {
            predictions = BatchPredictions.score(session.context(), hadoop, m, found);
        }
        StringBuilder csv = new StringBuilder("input,row,label,predicted");
        for (int c = 0; c < m.architecture().outputSize(); c++) csv.append(",p").append(c);
        csv.append('\n');
        for (Prediction p : predictions) csv.append(p.csvLine()).append('\n');
        AtomicFiles.writeString(hadoop, out, csv.toString());
        spec.commandLine()
                .getErr()
                .printf(Locale.ROOT, "[lockstep] wrote %,d predictions to %s%n", predictions.size(), out);
        return 0;
    }

    private void printLocally(
            Classifier classifier, Configuration hadoop, List<PredictionInput> found, PrintWriter stdout) {
        for (PredictionInput input : found) {
            long correct = 0, labelled = 0;
            for (Prediction p : input.score(classifier, hadoop)) {
                stdout.println(p.describe(top));
                if (p.label() >= 0) {
                    labelled++;
                    if (p.label() == p.predicted()) correct++;
                }
            }
            if (labelled > 0) {
                stdout.printf(
                        Locale.ROOT,
                        "%s: accuracy %.2f%% on %,d labelled rows%n",
                        input.uri(),
                        100.0 * correct / labelled,
                        labelled);
            }
        }
        stdout.flush();
        if (found.isEmpty()) throw new LockstepException("no inputs to score");
    }
}
