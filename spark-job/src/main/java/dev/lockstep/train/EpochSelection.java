package dev.lockstep.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which epoch is the best so far, and whether the run stops, as a function of the finished epochs' evaluations
 * alone: a resumed run, which reads the history back from its checkpoint, continues the patience count exactly.
 *
 * <p>The first evaluated epoch is the first best; a later one becomes the best only when it improves on the best
 * by more than min-delta (a lower loss, or a higher accuracy; a NaN never improves). So the best epoch is also the
 * one the patience count runs from, and the run stops after {@code patience} epochs without a new best.
 */
public final class EpochSelection {
    /** Which parameters become the model: those of the best epoch, or of the last one run. */
    public enum Keep {
        BEST,
        LAST;

        public String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Keep parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "best" -> BEST;
                case "last" -> LAST;
                default -> throw new IllegalArgumentException("expected best or last, got '" + text + "'");
            };
        }
    }

    /** Stop reasons, as metrics.json and history.jsonl name them. */
    public static final String NO_IMPROVEMENT = "no_improvement";

    public static final String MAX_EPOCHS = "max_epochs";

    private final EarlyStop.Metric metric;
    private final double minDelta;
    /** 0: never stops early (keep best over a fixed number of epochs). */
    private final int patience;

    private final Keep keep;

    EpochSelection(EarlyStop.Metric metric, double minDelta, int patience, Keep keep) {
        this.metric = metric;
        this.minDelta = minDelta;
        this.patience = patience;
        this.keep = keep;
    }

    /**
     * The selection of a run of {@code config}; null when it neither stops early nor keeps the best epoch (its
     * model is then the last epoch's, as it always was). Keep best without early stopping selects on the loss.
     */
    public static EpochSelection of(TrainConfig config) {
        EarlyStop stop = config.earlyStop().orElse(null);
        if (stop == null && config.keep() == Keep.LAST) return null;
        return stop == null
                ? new EpochSelection(EarlyStop.Metric.LOSS, 0, 0, config.keep())
                : new EpochSelection(stop.metric(), stop.minDelta(), stop.patience(), config.keep());
    }

    public boolean keepsBest() {
        return keep == Keep.BEST;
    }

    /**
     * Where the run stands after the epochs of {@code history} (all evaluated).
     *
     * @return best epoch 0 when there is no history yet
     */
    public Standing after(List<EpochSummary> history) {
        int best = 0;
        double bestValue = Double.NaN;
        for (EpochSummary e : history) {
            if (e.eval() == null) throw new IllegalStateException("epoch " + e.epoch() + " was not evaluated");
            double v =
                    metric == EarlyStop.Metric.LOSS ? e.eval().loss() : e.eval().accuracy();
            if (best == 0 || improves(v, bestValue)) {
                best = e.epoch();
                bestValue = v;
            }
        }
        int last = history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
        int since = last - best;
        return new Standing(best, since, patience > 0 && best > 0 && since >= patience);
    }

    private boolean improves(double v, double best) {
        if (Double.isNaN(v)) return false;
        if (Double.isNaN(best)) return true;
        double gain = metric == EarlyStop.Metric.LOSS ? best - v : v - best;
        return gain > minDelta;
    }

    /**
     * @param bestEpoch  the best epoch so far (counted from 1); 0 before any
     * @param sinceBest  epochs run since it
     * @param stop       whether the patience has run out
     */
    public record Standing(int bestEpoch, int sinceBest, boolean stop) {}

    /**
     * How a run's epoch was chosen, for metrics.json's {@code selection}.
     *
     * @param set          the rows every epoch was evaluated on ("validation")
     * @param rows         how many
     * @param keptEpoch    the epoch whose parameters are the model (0: the untrained network of a 0-epoch run)
     * @param stoppedEpoch the last epoch run
     * @param stopReason   {@link #NO_IMPROVEMENT} or {@link #MAX_EPOCHS}
     * @param finalSet     the rows of the run's final evaluation: "test" when a test set was scored once on the kept
     *                     parameters, else {@code set}
     */
    public record Outcome(
            String set,
            long rows,
            int bestEpoch,
            int keptEpoch,
            int stoppedEpoch,
            String stopReason,
            String finalSet) {}

    /** What {@code metrics.json} records: the rule and its outcome. */
    public Map<String, Object> toMap(Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("set", o.set());
        m.put("rows", o.rows());
        m.put("metric", metric.displayName());
        m.put("patience", patience == 0 ? null : patience);
        m.put("min_delta", minDelta);
        m.put("keep", keep.displayName());
        m.put("best_epoch", o.bestEpoch());
        m.put("kept_epoch", o.keptEpoch());
        m.put("stopped_epoch", o.stoppedEpoch());
        m.put("stop_reason", o.stopReason());
        m.put("final_evaluation_set", o.finalSet());
        if (o.finalSet().equals(o.set())) {
            m.put("note", "no test set: the final evaluation is on the rows that chose the epoch, so it flatters it");
        }
        return m;
    }
}
