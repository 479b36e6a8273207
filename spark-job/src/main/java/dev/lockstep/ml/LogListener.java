package dev.lockstep.ml;

import dev.lockstep.train.EpochSummary;
import dev.lockstep.train.TrainingListener;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A fit's progress in Spark's log, where a Spark ML user looks for it: a line per epoch, and the warnings. */
final class LogListener implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(LockstepClassifier.class);

    private final String uid;
    private int epochs;

    LogListener(String uid) {
        this.uid = uid;
    }

    @Override
    public void onStart(RunInfo run) {
        epochs = run.config().epochs();
        LOG.info(
                "{}: training {} on {} rows, {} partitions, batch {}, {} steps per epoch",
                uid,
                run.config().architecture(),
                run.trainRows(),
                run.partitions(),
                run.config().batchSize(),
                run.stepsPerEpoch());
    }

    @Override
    public void onEpoch(EpochSummary e) {
        String validation = e.eval() == null
                ? ""
                : String.format(
                        Locale.ROOT,
                        ", validation accuracy %.4f loss %.4f",
                        e.eval().accuracy(),
                        e.eval().loss());
        LOG.info(String.format(
                Locale.ROOT,
                "%s: epoch %d/%d: training loss %.4f%s, %.1f s",
                uid,
                e.epoch(),
                epochs,
                e.trainLoss(),
                validation,
                e.seconds()));
    }

    @Override
    public void onWarning(String message) {
        LOG.warn("{}: {}", uid, message);
    }
}
