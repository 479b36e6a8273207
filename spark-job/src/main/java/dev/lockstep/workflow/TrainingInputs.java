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
 * otherwise a seeded hold-out of the training rows. A run that chooses between its epochs (early stopping, keep
 * best) always evaluates its epochs on the hold-out, and keeps a test set apart in {@code test}, to be scored once
 * at the end. A --data directory holding a prepared dataset is read by the executors; everything else by the driver.
 *
 * @param eval the rows every epoch is evaluated on
 * @param test the test set, apart from {@code eval}; null when {@code eval} is the test set or there is none
 */
public record TrainingInputs(RowSource train, RowSource eval, String evalName, String description, RowSource test)
        implements AutoCloseable {

    public TrainingInputs(RowSource train, RowSource eval, String evalName, String description) {
        this(train, eval, evalName, description, null);
    }

    /** Releases what the sources hold on the cluster; call it while their Spark context still runs. */
    @Override
    public void close() {
        try (RowSource t = train;
                RowSource e = eval;
                RowSource s = test) {
            // closed in reverse order, each even when another fails; a null one is skipped
        }
    }

    /** The rows of the run's final evaluation, the one promotion checks: the test set when there is one. */
    public RowSource scored() {
        return test != null ? test : eval;
    }

    /** "test" or "validation": the name of {@link #scored()}. */
    public String scoredName() {
        return test != null ? "test" : evalName;
    }

    /** What the rows were, by content: recorded in the model's sidecar and metrics. */
    public String fingerprint() {
        return "train " + train.fingerprint() + "; " + evalName + " " + eval.fingerprint()
                + (test == null ? "" : "; test " + test.fingerprint());
    }

    /**
     * The rows of {@code --data} or {@code --train}/{@code --test}. With {@code selecting}, for a run that chooses
     * between its epochs, the epochs are evaluated on the seeded hold-out even when there is a test set
     * ({@link #test()}).
     */
    public static TrainingInputs open(
            Configuration hadoop,
            String dataDir,
            String trainPath,
            String testPath,
            double validationFraction,
            long seed,
            boolean selecting) {
        if (trainPath == null && PreparedDataset.isPrepared(hadoop, dataDir)) {
            return prepared(hadoop, dataDir, testPath, validationFraction, seed, selecting);
        }
        DataFiles files = DataFiles.resolve(hadoop, dataDir, trainPath, testPath);
        LabeledImages train = files.loadTrain(hadoop);
        Optional<LabeledImages> test = files.loadTest(hadoop);
        if (test.isPresent() && !selecting) {
            return new TrainingInputs(new InMemoryRows(train), new InMemoryRows(test.get()), "test", files.toString());
        }
        HoldOut split = HoldOut.split(train, validationFraction, seed);
        return new TrainingInputs(
                new InMemoryRows(split.train()),
                new InMemoryRows(split.validation()),
                "validation",
                files.toString(),
                test.map(InMemoryRows::new).orElse(null));
    }

    /** The same rows, and so the same model, as the files {@code prepare} converted, without loading them here. */
    private static TrainingInputs prepared(
            Configuration hadoop,
            String dir,
            String testPath,
            double validationFraction,
            long seed,
            boolean selecting) {
        PreparedDataset data = PreparedDataset.open(hadoop, dir);
        PreparedDataset.Part train = data.train();
        RowSource test = null;
        String description = data.toString();
        if (testPath != null) {
            DataFiles.Source file =
                    DataFiles.resolve(hadoop, null, testPath, null).train();
            test = new InMemoryRows(file.load(hadoop));
            description = data + ", test " + file;
        } else if (data.test().isPresent()) {
            test = PreparedRows.of(hadoop, data, data.test().get());
        }
        if (test != null && !selecting) {
            return new TrainingInputs(PreparedRows.of(hadoop, data, train), test, "test", description);
        }
        if (train.count() > Integer.MAX_VALUE) {
            throw new LockstepException(train.uri() + ": " + train.count() + " rows are too many to hold out validation"
                    + " rows from"
                    + (selecting ? "; train without --early-stop and --keep best" : "; prepare it with a test set"));
        }
        HoldOut.Rows rows = HoldOut.rows((int) train.count(), validationFraction, seed, train.uri());
        return new TrainingInputs(
                PreparedRows.select(hadoop, data, train, rows.train()),
                PreparedRows.select(hadoop, data, train, rows.validation()),
                "validation",
                description,
                test);
    }
}
