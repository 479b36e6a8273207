package dev.lockstep.cli;

import dev.lockstep.UsageException;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.data.PreparedWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Converts IDX or CSV data into a prepared dataset that executors read in parallel, each its own rows. Runs on
 * the driver alone (no Spark): it reads and validates the input fully before writing anything.
 */
@Command(
        name = "prepare",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = "Convert IDX or CSV data into a prepared dataset (fixed-length records) that executors read in "
                + "parallel.",
        footer = {
            "",
            "Train from it with 'lockstep train --data OUT'. Hadoop settings come from spark.hadoop.* keys,",
            "as for train."
        })
final class PrepareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Directory with train-*/t10k-* IDX files (or train.csv/test.csv).")
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
            names = "--verify",
            paramLabel = "DIR",
            description = "Instead: read a prepared dataset's records files whole and "
                    + "compare them with the CRC32C checksums in its prepared.json, without training.")
    String verify;

    @Override
    public Integer call() {
        if (verify != null) {
            if (data != null || train != null || test != null || out != null) {
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
