package dev.lockstep.train;

import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.nn.Architecture;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.step.TaskLifetime;
import java.util.List;

/**
 * The trained parameters, the input scaling they were trained with, and what was measured on the way.
 *
 * @param parameters      the kept parameters: the last epoch's, or the best epoch's ({@link EpochSelection})
 * @param finalEvaluation the evaluation of the kept parameters: on the test rows when the run selected epochs on
 *                        held-out rows and had a test set, else the kept epoch's; null when the run had no
 *                        evaluation rows
 * @param byteInput       the training rows were bytes (raw values 0-255)
 * @param height          pixel rows of the training images; 1 when the rows are not images
 * @param width           pixel columns of the training images; the feature count when they are not images
 * @param selection       how the kept epoch was chosen; null when the run keeps the last epoch without early
 *                        stopping
 */
public record TrainingResult(
        Architecture architecture,
        float[] parameters,
        Evaluation finalEvaluation,
        List<EpochSummary> history,
        long steps,
        long examples,
        double trainSeconds,
        int partitions,
        int partitionsPerTask,
        TaskLifetime taskLifetime,
        InputScaling scaling,
        boolean byteInput,
        int height,
        int width,
        EpochSelection.Outcome selection) {

    /** The trained model: parameters, scaling and what its input is (bytes or floats, an image or not). */
    public MlpModel model() {
        return new MlpModel(architecture, parameters, scaling, byteInput, height, width);
    }

    public double examplesPerSecond() {
        return trainSeconds > 0 ? examples / trainSeconds : 0;
    }
}
