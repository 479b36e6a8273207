package dev.lockstep.train;

import dev.lockstep.model.MlpModel;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.RowSource;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.step.InputTransform;
import dev.lockstep.train.step.Placement;
import dev.lockstep.train.step.SyncStep;
import dev.lockstep.train.sum.WirePrecision;
import org.apache.spark.api.java.JavaSparkContext;

/** Scores a trained model on a dataset with the cluster, the same distributed pass training uses after each epoch. */
public final class Evaluator {
    private Evaluator() {}

    public static Evaluation evaluate(JavaSparkContext sc, MlpModel model, RowSource data, int partitions) {
        DataFit.MODEL.check(model.architecture(), data, "the data");
        InputTransform input = InputTransform.plain(model.architecture().inputSize(), model.scaling());
        int perTask = Placement.partitionsPerTaskNow(sc, partitions);
        try (CachedRows rows = CachedRows.cache(sc, data, partitions, perTask, "lockstep-evaluate")) {
            return new SyncStep(sc, model.architecture(), WirePrecision.FLOAT32)
                    .evaluate(rows, model.parameters(), input, "lockstep evaluate " + data.count() + " rows");
        }
    }
}
