package dev.lockstep.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loss, accuracy and confusion matrix over a dataset; partial evaluations add up in partition order. */
public final class Evaluation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int classes;
    private final double lossSum;
    private final long[] confusion; // [label * classes + predicted]

    Evaluation(int classes, double lossSum, long[] confusion) {
        this.classes = classes;
        this.lossSum = lossSum;
        this.confusion = confusion;
    }

    static Evaluation sum(List<Evaluation> parts, int classes) {
        double loss = 0;
        long[] confusion = new long[classes * classes];
        for (Evaluation e : parts) {
            loss += e.lossSum;
            for (int i = 0; i < confusion.length; i++) confusion[i] += e.confusion[i];
        }
        return new Evaluation(classes, loss, confusion);
    }

    public long rows() {
        long n = 0;
        for (long c : confusion) n += c;
        return n;
    }

    public long correct() {
        long n = 0;
        for (int c = 0; c < classes; c++) n += confusion[c * classes + c];
        return n;
    }

    public double accuracy() { return rows() == 0 ? Double.NaN : (double) correct() / rows(); }
    public double loss() { return rows() == 0 ? Double.NaN : lossSum / rows(); }
    public long count(int label, int predicted) { return confusion[label * classes + predicted]; }
    public int classes() { return classes; }
    double lossSum() { return lossSum; }
    long[] confusion() { return confusion.clone(); }

    /** Rows are true labels, columns predictions. */
    public List<List<Long>> confusionMatrix() {
        List<List<Long>> m = new ArrayList<>();
        for (int y = 0; y < classes; y++) {
            List<Long> row = new ArrayList<>();
            for (int p = 0; p < classes; p++) row.add(count(y, p));
            m.add(row);
        }
        return m;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows());
        m.put("loss", loss());
        m.put("accuracy", accuracy());
        m.put("confusion_matrix", confusionMatrix());
        return m;
    }
}
