package dev.lockstep.workflow;

import dev.lockstep.model.Classifier;
import java.io.Serializable;
import java.util.Locale;

/**
 * One scored item: a picture, or one row of an IDX or CSV file. {@code label} is -1 when unknown. A class, not a
 * record, because predictions come back from executors and Kryo, a common cluster serializer, cannot build records.
 */
public final class Prediction implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String input;
    private final long row;
    private final int label;
    private final int predicted;
    private final float[] probabilities;

    Prediction(String input, long row, int label, int predicted, float[] probabilities) {
        this.input = input;
        this.row = row;
        this.label = label;
        this.predicted = predicted;
        this.probabilities = probabilities;
    }

    String input() {
        return input;
    }

    long row() {
        return row;
    }

    public int label() {
        return label;
    }

    public int predicted() {
        return predicted;
    }

    static Prediction of(String input, long row, int label, float[] probabilities) {
        return new Prediction(input, row, label, Classifier.mostProbable(probabilities), probabilities);
    }

    /** "digit.png  7  (7 0.9821, 1 0.0113, 9 0.0040)", with "#row" for rows of a file. */
    public String describe(int top) {
        StringBuilder b = new StringBuilder(row < 0 ? input : input + "#" + row);
        b.append("  ").append(predicted);
        if (label >= 0) b.append(label == predicted ? "  (label " + label + ")" : "  (label " + label + ", wrong)");
        b.append("  [");
        boolean[] used = new boolean[probabilities.length];
        for (int k = 0; k < Math.min(top, probabilities.length); k++) {
            int best = -1;
            for (int c = 0; c < probabilities.length; c++) {
                if (!used[c] && (best < 0 || probabilities[c] > probabilities[best])) best = c;
            }
            used[best] = true;
            if (k > 0) b.append(", ");
            b.append(String.format(Locale.ROOT, "%d: %.4f", best, probabilities[best]));
        }
        return b.append(']').toString();
    }

    public String csvLine() {
        StringBuilder b = new StringBuilder();
        b.append(input.contains(",") || input.contains("\"") ? '"' + input.replace("\"", "\"\"") + '"' : input);
        b.append(',').append(row < 0 ? "" : Long.toString(row));
        b.append(',').append(label < 0 ? "" : Integer.toString(label));
        b.append(',').append(predicted);
        for (float p : probabilities) b.append(',').append(String.format(Locale.ROOT, "%.6f", p));
        return b.toString();
    }
}
