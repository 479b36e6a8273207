package dev.lockstep.train;

import dev.lockstep.model.MlpModel;
import org.apache.spark.api.java.JavaSparkContext;

/** Scores a trained model on a dataset with the cluster, the same distributed pass training uses after each epoch. */
public final class Evaluator {
    private Evaluator() {}

    public static Evaluation evaluate(JavaSparkContext sc, MlpModel model, RowSource data, int partitions) {
        if (data.features() != model.architecture().inputSize()) {
            throw new dev.lockstep.LockstepException(String.format(
                    "the data has %d features per row (%dx%d) but the model expects %d",
                    data.features(), data.height(), data.width(), model.architecture().inputSize()));
        }
        if (data.maxLabel() >= model.architecture().outputSize()) {
            throw new dev.lockstep.LockstepException(String.format("the data has label %d but the model has %d classes",
                    data.maxLabel(), model.architecture().outputSize()));
        }
        InputTransform input = InputTransform.plain(model.architecture().inputSize(), model.scaling().scale(), model.scaling().offset());
        try (CachedRows rows = CachedRows.cache(sc, data, partitions, Trainer.partitionsPerTask(sc, 0, partitions), "lockstep-evaluate")) {
            return new SyncStep(sc, model.architecture(), WirePrecision.FLOAT32).evaluate(rows, model.parameters(), input, "lockstep evaluate " + data.count() + " rows");
        }
    }
}
