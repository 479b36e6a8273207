package dev.lockstep.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One line per epoch on stderr, prefixed so it stands out among Spark's log lines, plus a step counter every
 * few seconds while a long epoch runs.
 */
public final class ProgressListener implements TrainingListener {
    private static final long STEP_LINE_NANOS = 5_000_000_000L;

    private final PrintWriter out;
    private int epochs;
    private long lastLine;
    private double runningLoss;
    private int runningSteps;

    public ProgressListener(PrintWriter out) {
        this.out = out;
    }

    @Override public void onStart(RunInfo run) {
        epochs = run.config().epochs();
        out.printf(Locale.ROOT, "[lockstep] training %s on %,d rows (%s: %,d rows), %d partitions, %d epochs x %d steps of %d%n",
                run.config().architecture(), run.trainRows(), run.evalName(), run.evalRows(), run.partitions(),
                epochs, run.stepsPerEpoch(), run.config().batchSize());
        if (run.resumedAtStep() > 0) {
            out.printf(Locale.ROOT, "[lockstep] resuming after step %d (epoch %d, step %d)%n", run.resumedAtStep(),
                    run.resumedAtStep() / run.stepsPerEpoch() + 1, run.resumedAtStep() % run.stepsPerEpoch());
        }
        lastLine = System.nanoTime();
    }

    @Override public void onStep(StepInfo step) {
        runningLoss += step.loss();
        runningSteps++;
        long now = System.nanoTime();
        if (now - lastLine >= STEP_LINE_NANOS && step.step() < step.stepsPerEpoch()) {
            out.printf(Locale.ROOT, "[lockstep] epoch %d/%d  step %d/%d  loss %.4f  lr %.2e%n", step.epoch(), epochs,
                    step.step(), step.stepsPerEpoch(), runningLoss / runningSteps, step.learningRate());
            runningLoss = 0;
            runningSteps = 0;
            lastLine = now;
        }
    }

    @Override public void onEpoch(EpochSummary e) {
        out.printf(Locale.ROOT, "[lockstep] epoch %d/%d  train_loss %.4f  test_loss %.4f  test_accuracy %.2f%%  %.1fs  %,.0f examples/s%n",
                e.epoch(), epochs, e.trainLoss(), e.eval().loss(), 100 * e.eval().accuracy(), e.seconds(), e.examplesPerSecond());
        runningLoss = 0;
        runningSteps = 0;
        lastLine = System.nanoTime();
    }
}
