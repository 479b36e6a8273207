package dev.lockstep.report;

import dev.lockstep.data.LabeledImages;
import dev.lockstep.model.Classifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every evaluation row scored on this machine: its prediction and how sure the model was of it. */
final class Scores {
    private final LabeledImages data;
    private final int[] predicted;
    private final float[] confidence; // probability of the predicted class

    private Scores(LabeledImages data, int[] predicted, float[] confidence) {
        this.data = data;
        this.predicted = predicted;
        this.confidence = confidence;
    }

    static Scores of(Classifier classifier, LabeledImages data) {
        int n = data.count();
        int[] predicted = new int[n];
        float[] confidence = new float[n];
        for (int i = 0; i < n; i++) {
            float[] p = classifier.probabilities(pixels(data, i));
            int best = 0;
            for (int c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
            predicted[i] = best;
            confidence[i] = p[best];
        }
        return new Scores(data, predicted, confidence);
    }

    /** Raw intensities 0..255 of row {@code i}, as {@link Classifier#probabilities(float[])} takes them. */
    static float[] pixels(LabeledImages data, int i) {
        int f = data.features();
        float[] v = new float[f];
        byte[] all = data.pixels();
        for (int k = 0; k < f; k++) v[k] = all[i * f + k] & 0xFF;
        return v;
    }

    int count() {
        return predicted.length;
    }

    DigitGrid.Tile tile(int i) {
        return new DigitGrid.Tile(
                pixels(data, i), data.cols(), data.rows(), predicted[i], data.label(i), confidence[i]);
    }

    /** The first {@code n} rows, in the data's order: an unbiased look. */
    List<DigitGrid.Tile> first(int n) {
        List<DigitGrid.Tile> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, count()); i++) out.add(tile(i));
        return out;
    }

    /** Up to {@code n} wrong predictions, the most confident first: what the model is surest about and wrong. */
    List<DigitGrid.Tile> mostConfidentlyWrong(int n) {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < count(); i++) if (predicted[i] != data.label(i)) wrong.add(i);
        wrong.sort(Comparator.comparingDouble((Integer i) -> -confidence[i]).thenComparingInt(i -> i));
        List<DigitGrid.Tile> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, wrong.size()); i++) out.add(tile(wrong.get(i)));
        return out;
    }
}
