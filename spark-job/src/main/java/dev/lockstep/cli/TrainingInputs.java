package dev.lockstep.cli;

import dev.lockstep.data.DataFiles;
import dev.lockstep.data.HoldOut;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.train.InMemoryRows;
import dev.lockstep.train.RowSource;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * The training and evaluation rows of a run, from --data or --train/--test: the test set when there is one,
 * otherwise a seeded hold-out of the training rows.
 */
record TrainingInputs(RowSource train, RowSource eval, String evalName, String description) {

    static TrainingInputs open(Configuration hadoop, String dataDir, String trainPath, String testPath,
                               double validationFraction, long seed) {
        DataFiles files = DataFiles.resolve(hadoop, dataDir, trainPath, testPath);
        LabeledImages train = files.loadTrain(hadoop);
        Optional<LabeledImages> test = files.loadTest(hadoop);
        if (test.isPresent()) {
            return new TrainingInputs(new InMemoryRows(train), new InMemoryRows(test.get()), "test", files.toString());
        }
        HoldOut split = HoldOut.split(train, validationFraction, seed);
        return new TrainingInputs(new InMemoryRows(split.train()), new InMemoryRows(split.validation()), "validation",
                files.toString());
    }
}
