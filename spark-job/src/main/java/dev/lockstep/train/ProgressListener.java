package dev.lockstep.train;

import dev.lockstep.Printable;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.timing.StepTime;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on stderr, prefixed so it stands out among Spark's log lines: a start line, then within each epoch
 * either a bar redrawn in place ({@link Mode#BAR}, for a terminal) or a plain line every few seconds
 * ({@link Mode#LINES}, for logs, which must hold no carriage returns or escape codes), then one summary line per
 * epoch either way.
 */
public final class ProgressListener implements TrainingListener {
    public enum Mode {
        BAR,
        LINES
    }

    private static final long LINE_NANOS = 5_000_000_000L;
    /** Redrawing faster than the eye reads only costs terminal time. */
    private static final long BAR_NANOS = 100_000_000L;

    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final Mode mode;
    private final long intervalNanos;
    private int epochs;
    private TrainConfig config;
    private int batch;
    private long lastLine;
    private long epochStart;
    private int epochFirstStep; // the step an epoch (or a resumed one) started timing from
    private double runningLoss;
    private int runningSteps;
    private int barLength; // characters of the bar now on screen, to blank them out

    public ProgressListener(PrintWriter out) {
        this(out, Mode.LINES);
    }

    public ProgressListener(PrintWriter out, Mode mode) {
        this(out, mode, mode == Mode.BAR ? BAR_NANOS : LINE_NANOS);
    }

    /** @param intervalNanos least time between two redraws or step lines */
    ProgressListener(PrintWriter out, Mode mode, long intervalNanos) {
        this.out = out;
        this.mode = mode;
        this.intervalNanos = intervalNanos;
    }

    @Override
    public void onStart(RunInfo run) {
        epochs = run.config().epochs();
        config = run.config();
        batch = run.config().batchSize();
        int tasks = (run.partitions() + run.partitionsPerTask() - 1) / run.partitionsPerTask();
        out.printf(
                Locale.ROOT,
                "[lockstep] training %s on %,d rows (%s), %d partitions (%s%s), %d epochs x %d steps of %d%n",
                run.config().architecture(),
                run.trainRows(),
                run.evalName() == null
                        ? "no evaluation rows"
                        : String.format(Locale.ROOT, "%s: %,d rows", run.evalName(), run.evalRows()),
                run.partitions(),
                run.partitionsPerTask() == 1
                        ? "a task each"
                        : tasks == 1
                                ? "one task, " + run.partitions() + " threads"
                                : tasks + " tasks of "
                                        + (run.partitions() % run.partitionsPerTask() == 0 ? "" : "up to ")
                                        + run.partitionsPerTask() + " threads",
                run.taskLifetime() != TaskLifetime.EPOCH
                        ? ", a job per step"
                        : run.exchange() == Exchange.SHARDED
                                ? ", resident for each epoch, gradients reduced among them (sharded exchange)"
                                : run.exchange() == Exchange.DRIVER
                                        ? ", resident for each epoch, every gradient to the driver (driver exchange)"
                                        : ", resident for each epoch",
                epochs,
                run.stepsPerEpoch(),
                batch);
        if (run.resumedAtStep() > 0) {
            out.printf(
                    Locale.ROOT,
                    "[lockstep] resuming after step %d (epoch %d, step %d)%n",
                    run.resumedAtStep(),
                    run.resumedAtStep() / run.stepsPerEpoch() + 1,
                    run.resumedAtStep() % run.stepsPerEpoch());
        }
        out.flush();
        lastLine = System.nanoTime();
        epochStart = -1;
    }

    @Override
    public void onStep(StepInfo step) {
        long now = System.nanoTime();
        if (epochStart < 0) {
            // Timed from the end of the epoch's first step seen here: that step's own time is not known.
            epochStart = now - step.time().nanos(StepTime.Part.TOTAL);
            epochFirstStep = step.step() - 1;
        }
        runningLoss += step.loss();
        runningSteps++;
        if (now - lastLine < intervalNanos || step.step() == step.stepsPerEpoch()) return;
        double seconds = (now - epochStart) / 1e9;
        int done = step.step() - epochFirstStep;
        double examplesPerSecond = seconds > 0 ? done * (double) batch / seconds : 0;
        double eta = done > 0 ? seconds / done * (step.stepsPerEpoch() - step.step()) : 0;
        double loss = runningLoss / runningSteps;
        if (mode == Mode.BAR) {
            drawBar(step, examplesPerSecond, eta, loss);
        } else {
            out.printf(
                    Locale.ROOT,
                    "[lockstep] epoch %d/%d  step %d/%d  loss %.4f  lr %.2e  %,.0f examples/s  ETA %s%n",
                    step.epoch(),
                    epochs,
                    step.step(),
                    step.stepsPerEpoch(),
                    loss,
                    step.learningRate(),
                    examplesPerSecond,
                    duration(eta));
            runningLoss = 0; // each line reports the steps since the previous one
            runningSteps = 0;
        }
        out.flush();
        lastLine = now;
    }

    private void drawBar(StepInfo step, double examplesPerSecond, double eta, double loss) {
        int filled = (int) ((long) BAR_WIDTH * step.step() / step.stepsPerEpoch());
        String line = String.format(
                Locale.ROOT,
                "[lockstep] epoch %d/%d [%s%s] %d/%d  %,.0f ex/s  ETA %s  loss %.4f",
                step.epoch(),
                epochs,
                "=".repeat(filled),
                " ".repeat(BAR_WIDTH - filled),
                step.step(),
                step.stepsPerEpoch(),
                examplesPerSecond,
                duration(eta),
                loss);
        out.print("\r" + line + " ".repeat(Math.max(0, barLength - line.length())));
        barLength = line.length();
    }

    @Override
    public void onWarning(String message) {
        clearBar();
        out.println(Printable.warning(message));
        out.flush();
    }

    private void clearBar() {
        if (barLength > 0) {
            out.print("\r" + " ".repeat(barLength) + "\r");
            barLength = 0;
        }
    }

    @Override
    public void onEpoch(EpochSummary e) {
        clearBar();
        String eval = e.eval() == null
                ? ""
                : String.format(
                        Locale.ROOT,
                        "  test_loss %.4f  test_accuracy %.2f%%",
                        e.eval().loss(),
                        100 * e.eval().accuracy());
        out.printf(
                Locale.ROOT,
                "[lockstep] epoch %d/%d  train_loss %.4f%s  %.1fs  %,.0f examples/s%n",
                e.epoch(),
                epochs,
                e.trainLoss(),
                eval,
                e.seconds(),
                e.examplesPerSecond());
        out.flush();
        runningLoss = 0;
        runningSteps = 0;
        lastLine = System.nanoTime();
        epochStart = -1;
    }

    /** With early stopping or keep best: where the run stopped, why, and which epoch became the model. */
    @Override
    public void onEnd(TrainingResult result) {
        EpochSelection.Outcome o = result.selection();
        if (o == null) return;
        clearBar();
        String why = config != null && o.stopReason().equals(EpochSelection.NO_IMPROVEMENT)
                ? String.format(
                        Locale.ROOT,
                        "stopped early: %s %s did not improve by more than %s for %d epochs",
                        o.set(),
                        config.earlyStop().orElseThrow().metric().displayName(),
                        config.earlyStop().orElseThrow().minDeltaText(),
                        config.earlyStop().orElseThrow().patience())
                : "ran all its epochs";
        out.printf(
                Locale.ROOT,
                "[lockstep] after epoch %d: %s; the model is epoch %d's (best on %s: epoch %d)%n",
                o.stoppedEpoch(),
                why,
                o.keptEpoch(),
                o.set(),
                o.bestEpoch());
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
