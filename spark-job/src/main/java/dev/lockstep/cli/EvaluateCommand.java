package dev.lockstep.cli;

import dev.lockstep.UsageException;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.FeatureCsv;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.Json;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.train.Evaluator;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.rows.RowSource;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.workflow.TableInputs;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "evaluate",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description =
                "Score a trained model on labelled data: loss, accuracy, per-class precision/recall/F1, confusion "
                        + "matrix.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "FILE",
            description = "The model file (model.lsm), any Hadoop FileSystem URI.")
    String model;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Directory as for train; its test set (t10k-*) if it has one, else its training files.")
    String data;

    @Option(
            names = "--test",
            paramLabel = "PATH",
            description =
                    "Labelled file(s) instead: IDX images (labels found beside), IMAGES,LABELS, or CSV (for a model "
                            + "that does not take images: a label, then the model's features as numbers).")
    String test;

    @Option(
            names = "--format",
            paramLabel = "SOURCE",
            description = "Read --data or --test with this Spark data source (parquet, orc, json, csv, ...; table: a "
                    + "catalog table's name), as train does.")
    String format;

    @Mixin
    TableOptions table = new TableOptions();

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    String json;

    @Option(names = "--partitions", description = "Data partitions (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--master", description = "Spark master when run with the embedded Spark (default local[*]).")
    String master;

    @Override
    public Integer call() {
        if ((data == null) == (test == null)) throw new UsageException("give either --data DIR or --test PATH");
        if (partitions != null && partitions < 1) throw new UsageException("--partitions must be positive");
        if (master != null) SparkSetup.checkMaster(master);
        if (format == null && table.given()) {
            throw new UsageException(
                    "--features-col, --label-col and --read-option are for table input: give --format");
        }
        SparkSetup.Environment env = SparkSetup.Environment.load();
        SparkConf sparkConf = env.sparkConf();
        Configuration hadoop = env.hadoop();
        PrintWriter err = spec.commandLine().getErr();

        MlpModel m = ModelFile.read(hadoop, model);
        LabeledImages rows = null;
        RowSource featureRows = null;
        String description;
        if (format != null) {
            description = format + " " + (test != null ? test : data); // read once Spark runs
        } else if (test != null && !m.isImage() && FeatureCsv.isCsv(test)) {
            // A model of features that are not pixels reads CSV rows of numbers, as predict does.
            FeatureCsv.Rows csv = FeatureCsv.read(
                    hadoop, test, m.architecture().inputSize(), m.architecture().outputSize());
            if (!csv.labelled()) {
                throw new DataFormatException(test + ": rows of " + csv.features() + " values have no label: evaluate "
                        + "needs a label first, then the " + csv.features() + " values");
            }
            featureRows = InMemoryRows.of(csv.block(), test);
            description = test;
        } else if (test != null) {
            DataFiles files = DataFiles.resolve(hadoop, null, test, null);
            rows = files.loadTrain(hadoop);
            description = files.train().toString();
        } else {
            DataFiles files = DataFiles.resolve(hadoop, data, null, null);
            if (files.test().isPresent()) {
                rows = files.loadTest(hadoop).orElseThrow();
                description = files.test().get().toString();
            } else {
                err.println("[lockstep] " + data + " has no test set: evaluating on its training files");
                rows = files.loadTrain(hadoop);
                description = files.train().toString();
            }
        }

        Evaluation e;
        try (SparkSetup.Session session = SparkSetup.start(sparkConf, master, "lockstep-evaluate");
                RowSource source = format == null
                        ? featureRows != null ? featureRows : new InMemoryRows(rows)
                        : TableInputs.on(
                                        session.context(),
                                        format,
                                        table.featuresColOrDefault(),
                                        table.labelColOrDefault())
                                .withOptions(table.readOptions)
                                .rows(test != null ? test : data)) {
            int p = partitions != null ? partitions : session.context().defaultParallelism();
            e = Evaluator.evaluate(session.context(), m, source, p);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(EvaluationTable.render(e, model, description));
        out.flush();
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model);
            doc.put("data", description);
            doc.putAll(e.toMap());
            AtomicFiles.writeString(hadoop, json, Json.pretty(doc) + "\n");
        }
        return 0;
    }

    /** The readable report: headline numbers, per-class table, confusion matrix. */
    static final class EvaluationTable {
        private EvaluationTable() {}

        static String render(Evaluation e, String model, String data) {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "model %s%ndata  %s (%,d rows)%n%n", model, data, e.rows()));
            b.append(String.format(
                    Locale.ROOT,
                    "accuracy %.2f%%   loss %.4f   macro F1 %.4f%n%n",
                    100 * e.accuracy(),
                    e.loss(),
                    e.macroF1()));
            b.append("class  precision  recall      f1  support\n");
            for (int c = 0; c < e.classes(); c++) {
                b.append(String.format(
                        Locale.ROOT,
                        "%5d  %9s  %6s  %6s  %7d%n",
                        c,
                        fmt(e.precision(c)),
                        fmt(e.recall(c)),
                        fmt(e.f1(c)),
                        e.support(c)));
            }
            b.append("\nconfusion matrix (rows: true label, columns: predicted)\n      ");
            int width = Math.max(5, Long.toString(e.rows()).length() + 1);
            for (int c = 0; c < e.classes(); c++) b.append(String.format(Locale.ROOT, "%" + width + "d", c));
            b.append('\n');
            for (int y = 0; y < e.classes(); y++) {
                b.append(String.format(Locale.ROOT, "%5d ", y));
                for (int p = 0; p < e.classes(); p++)
                    b.append(String.format(Locale.ROOT, "%" + width + "d", e.count(y, p)));
                b.append('\n');
            }
            return b.toString();
        }

        private static String fmt(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
        }
    }
}
