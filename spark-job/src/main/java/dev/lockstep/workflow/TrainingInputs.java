package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.HoldOut;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.rows.PreparedRows;
import dev.lockstep.train.rows.RowSource;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * The training and evaluation rows of a run, from --data or --train/--test: the test set when there is one,
 * otherwise a seeded hold-out of the training rows. A --data directory holding a prepared dataset is read by the
 * executors; everything else by the driver.
 */
public record TrainingInputs(RowSource train, RowSource eval, String evalName, String description)
        implements AutoCloseable {

    /** Releases what the two sources hold on the cluster; call it while their Spark context still runs. */
    @Override
    public void close() {
        try (RowSource t = train;
                RowSource e = eval) {
            // closed in reverse order, each even when the other fails
        }
    }

    /** What the rows were, by content: recorded in the model's sidecar and metrics. */
    public String fingerprint() {
        return "train " + train.fingerprint() + "; " + evalName + " " + eval.fingerprint();
    }

    /**
     * Refuses {@code --layers} that do not fit the rows, as a bad option (exit 2) before Spark starts: the input layer
     * must take a row's pixels, the output layer have a class for every label.
     */
    public static TrainingInputs open(
            Configuration hadoop,
            String dataDir,
            String trainPath,
            String testPath,
            double validationFraction,
            long seed) {
        if (trainPath == null && PreparedDataset.isPrepared(hadoop, dataDir)) {
            return prepared(hadoop, dataDir, testPath, validationFraction, seed);
        }
        DataFiles files = DataFiles.resolve(hadoop, dataDir, trainPath, testPath);
        LabeledImages train = files.loadTrain(hadoop);
        Optional<LabeledImages> test = files.loadTest(hadoop);
        if (test.isPresent()) {
            return new TrainingInputs(new InMemoryRows(train), new InMemoryRows(test.get()), "test", files.toString());
        }
        HoldOut split = HoldOut.split(train, validationFraction, seed);
        return new TrainingInputs(
                new InMemoryRows(split.train()), new InMemoryRows(split.validation()), "validation", files.toString());
    }

    /** The same rows, and so the same model, as the files {@code prepare} converted, without loading them here. */
    private static TrainingInputs prepared(
            Configuration hadoop, String dir, String testPath, double validationFraction, long seed) {
        PreparedDataset data = PreparedDataset.open(hadoop, dir);
        PreparedDataset.Part train = data.train();
        if (testPath != null) {
            DataFiles.Source test =
                    DataFiles.resolve(hadoop, null, testPath, null).train();
            return new TrainingInputs(
                    PreparedRows.of(hadoop, data, train),
                    new InMemoryRows(test.load(hadoop)),
                    "test",
                    data + ", test " + test);
        }
        if (data.test().isPresent()) {
            return new TrainingInputs(
                    PreparedRows.of(hadoop, data, train),
                    PreparedRows.of(hadoop, data, data.test().get()),
                    "test",
                    data.toString());
        }
        if (train.count() > Integer.MAX_VALUE) {
            throw new LockstepException(train.uri() + ": " + train.count() + " rows are too many to hold out validation"
                    + " rows from; prepare it with a test set");
        }
        HoldOut.Rows rows = HoldOut.rows((int) train.count(), validationFraction, seed, train.uri());
        return new TrainingInputs(
                PreparedRows.select(hadoop, data, train, rows.train()),
                PreparedRows.select(hadoop, data, train, rows.validation()),
                "validation",
                data.toString());
    }
}
