package dev.lockstep.train;

import dev.lockstep.LockstepException;
import dev.lockstep.nn.Architecture;
import dev.lockstep.train.rows.RowSource;

/**
 * The check that data fits a network before Spark caches it: as many features per row as the network has inputs,
 * no label past its classes. Said against the {@code --layers} of a training run or against a saved model.
 */
enum DataFit {
    LAYERS("--layers starts with", "--layers ends with %d classes"),
    MODEL("the model expects", "the model has %d classes");

    private final String inputs;
    private final String classes;

    DataFit(String inputs, String classes) {
        this.inputs = inputs;
        this.classes = classes;
    }

    /** @param what the data as the message names it, e.g. "the training data" */
    void check(Architecture arch, RowSource data, String what) {
        if (data.features() != arch.inputSize()) {
            throw new LockstepException(String.format("%s has %d features per row (%dx%d) but %s %d",
                    what, data.features(), data.height(), data.width(), inputs, arch.inputSize()));
        }
        int maxLabel = data.maxLabel();
        if (maxLabel >= arch.outputSize()) {
            throw new LockstepException(String.format("%s has label %d but " + classes, what, maxLabel, arch.outputSize()));
        }
    }
}
