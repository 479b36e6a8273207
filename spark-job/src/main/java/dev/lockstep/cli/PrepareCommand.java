package dev.lockstep.cli;

import dev.lockstep.UsageException;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.HeapBudget;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.data.PreparedWriter;
import dev.lockstep.train.rows.FrameRows;
import dev.lockstep.workflow.TableInputs;
import dev.lockstep.workflow.TablePreparation;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Converts IDX or CSV data, or a table Spark reads ({@code --format}), into a prepared dataset that executors read in
 * parallel, each its own rows. Files are read on the driver alone (no Spark), and validated fully before anything is
 * written; a table is read and checked by Spark first, then written through the driver a partition at a time.
 */
@Command(
        name = "prepare",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = "Convert IDX or CSV data, or a table (--format), into a prepared dataset (fixed-length records) "
                + "that executors read in parallel.",
        footer = {
            "",
            "Train from it with 'lockstep train --data OUT'. Hadoop settings come from spark.hadoop.* keys,",
            "as for train. Tables are read as train --format reads them, and give the same model."
        })
final class PrepareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Directory with train-*/t10k-* IDX files (or train.csv/test.csv); with --format, the "
                    + "training table.")
    String data;

    @Option(
            names = "--train",
            paramLabel = "PATH",
            description = "Training file: IDX images (labels found beside it), IMAGES,LABELS, or CSV.")
    String train;

    @Option(names = "--test", paramLabel = "PATH", description = "Test file, same forms as --train.")
    String test;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (any Hadoop FileSystem URI).")
    String out;

    @Option(
            names = "--format",
            paramLabel = "SOURCE",
            description = "Read --data/--train/--test with this Spark data source (parquet, orc, json, csv, ...; "
                    + "table: catalog table names), as train --format does.")
    String format;

    @Mixin
    TableOptions table = new TableOptions();

    @Option(
            names = "--master",
            description = "With --format: Spark master of the embedded Spark that reads the table (default local[*]).")
    String master;

    @Option(
            names = "--verify",
            paramLabel = "DIR",
            description = "Instead: read a prepared dataset's records files whole and "
                    + "compare them with the CRC32C checksums in its prepared.json, without training.")
    String verify;

    @Override
    public Integer call() {
        if (verify != null) {
            if (data != null || train != null || test != null || out != null || format != null) {
                throw new UsageException("--verify DIR takes no other option");
            }
            return verify(SparkSetup.Environment.load().hadoop());
        }
        if (out == null) throw new UsageException("missing --out DIR");
        if (data != null && train != null) {
            throw new UsageException("give either --data DIR or --train PATH, not both");
        }
        if (data == null && train == null) {
            throw new UsageException("no input given: use --data DIR or --train PATH");
        }
        if (format == null && (table.given() || master != null)) {
            throw new UsageException(
                    "--features-col, --label-col, --read-option and --master are for table input: give --format");
        }
        if (master != null) SparkSetup.checkMaster(master);
        if (format != null) return prepareTable(SparkSetup.Environment.load());
        Configuration hadoop = SparkSetup.Environment.load().hadoop();
        DataFiles files = DataFiles.resolve(hadoop, data, train, test);
        LabeledImages trainRows = files.loadTrain(hadoop);
        Optional<LabeledImages> testRows = files.loadTest(hadoop);
        PreparedDataset written = PreparedWriter.write(hadoop, out, trainRows, testRows, files.toString());
        spec.commandLine()
                .getErr()
                .printf(
                        Locale.ROOT,
                        "[lockstep] prepared %,d training rows%s of %dx%d in %s%n",
                        written.train().count(),
                        written.test()
                                .map(t -> String.format(Locale.ROOT, " and %,d test rows", t.count()))
                                .orElse(""),
                        written.rows(),
                        written.cols(),
                        out);
        return 0;
    }

    /** Spark reads and checks the table(s); then the rows go to the records files, a partition at a time. */
    private int prepareTable(SparkSetup.Environment env) {
        String location = data != null ? data : train;
        try (SparkSetup.Session session = SparkSetup.start(env.sparkConf(), master, "lockstep-prepare")) {
            TableInputs tables = TableInputs.on(
                            session.context(), format, table.featuresColOrDefault(), table.labelColOrDefault())
                    .withOptions(table.readOptions);
            PreparedDataset written;
            try (FrameRows trainRows = tables.rows(location);
                    FrameRows testRows = test != null ? tables.rows(test) : null) {
                String source = format + " " + location + (test != null ? ", test " + test : "");
                written = TablePreparation.write(
                        session.context(),
                        env.hadoop(),
                        out,
                        trainRows,
                        Optional.ofNullable(testRows),
                        source,
                        HeapBudget.JVM);
            }
            spec.commandLine()
                    .getErr()
                    .printf(
                            Locale.ROOT,
                            "[lockstep] prepared %,d training rows%s of %d %s features, %d classes, in %s%n",
                            written.train().count(),
                            written.test()
                                    .map(t -> String.format(Locale.ROOT, " and %,d test rows", t.count()))
                                    .orElse(""),
                            written.features(),
                            written.layout().floats() ? "float32" : "byte",
                            written.classes(),
                            out);
            return 0;
        }
    }

    private int verify(Configuration hadoop) {
        PreparedDataset d = PreparedDataset.open(hadoop, verify);
        d.verifyChecksum(hadoop, d.train());
        d.test().ifPresent(t -> d.verifyChecksum(hadoop, t));
        spec.commandLine()
                .getErr()
                .printf(
                        Locale.ROOT,
                        "[lockstep] %s is intact: %,d training rows%s, every byte matches its checksum%n",
                        verify,
                        d.train().count(),
                        d.test()
                                .map(t -> String.format(Locale.ROOT, " and %,d test rows", t.count()))
                                .orElse(""));
        return 0;
    }
}
