package dev.lockstep.train;

import dev.lockstep.LockstepException;
import dev.lockstep.nn.Architecture;
import dev.lockstep.train.rows.RowSource;

/**
 * The check that data fits a network before Spark caches it: as many features per row as the network has inputs,
 * no label past its classes (labels are 0..K-1 for a network of K outputs, any K >= 2). Said against the
 * {@code --layers} of a training run or against a saved model.
 */
public enum DataFit {
    LAYERS("--layers starts with", "--layers ends with %d classes"),
    MODEL("the model expects", "the model has %d classes");

    private final String inputs;
    private final String classes;

    DataFit(String inputs, String classes) {
        this.inputs = inputs;
        this.classes = classes;
    }

    /**
     * What keeps {@code data} from fitting {@code arch}, in the user's words, or null when it fits.
     *
     * @param what the data as the message names it, e.g. "the training data"
     */
    public String misfit(Architecture arch, RowSource data, String what) {
        if (data.features() != arch.inputSize()) {
            String shape = data.height() > 1 ? String.format(" (%dx%d)", data.height(), data.width()) : "";
            return String.format(
                    "%s has %d features per row%s but %s %d", what, data.features(), shape, inputs, arch.inputSize());
        }
        int maxLabel = data.maxLabel();
        if (maxLabel >= arch.outputSize()) {
            return String.format("%s has label %d but " + classes, what, maxLabel, arch.outputSize());
        }
        return null;
    }

    /** @throws LockstepException saying what does not fit */
    void check(Architecture arch, RowSource data, String what) {
        String misfit = misfit(arch, data, what);
        if (misfit != null) throw new LockstepException(misfit);
    }
}
