package dev.lockstep.train.step;

import dev.lockstep.train.sum.SumTree;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loss, accuracy and confusion matrix over a dataset; partial evaluations add up in a fixed order. */
public final class Evaluation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int classes;
    private final double lossSum;
    private final long[] confusion; // [label * classes + predicted]

    public Evaluation(int classes, double lossSum, long[] confusion) {
        this.classes = classes;
        this.lossSum = lossSum;
        this.confusion = confusion;
    }

    /** The evaluation of partitions 0..P-1 from one per partition, in order; losses add in {@link SumTree}'s order. */
    static Evaluation sum(List<Evaluation> perPartition, int classes) {
        Map<SumTree.Node, Double> losses = new HashMap<>();
        long[] confusion = new long[classes * classes];
        for (int p = 0; p < perPartition.size(); p++) {
            Evaluation e = perPartition.get(p);
            losses.put(new SumTree.Node(p, p + 1), e.lossSum);
            for (int i = 0; i < confusion.length; i++) confusion[i] += e.confusion[i];
        }
        double loss = perPartition.isEmpty() ? 0 : SumTree.totalLoss(perPartition.size(), losses);
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

    public double accuracy() {
        return rows() == 0 ? Double.NaN : (double) correct() / rows();
    }

    public double loss() {
        return rows() == 0 ? Double.NaN : lossSum / rows();
    }

    public long count(int label, int predicted) {
        return confusion[label * classes + predicted];
    }

    public int classes() {
        return classes;
    }

    public double lossSum() {
        return lossSum;
    }

    public long[] confusion() {
        return confusion.clone();
    }

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

    /** Rows whose true label is {@code c}. */
    public long support(int c) {
        long n = 0;
        for (int p = 0; p < classes; p++) n += count(c, p);
        return n;
    }

    /** Of the rows predicted {@code c}, the fraction that are {@code c}; NaN when nothing was predicted {@code c}. */
    public double precision(int c) {
        long predicted = 0;
        for (int y = 0; y < classes; y++) predicted += count(y, c);
        return predicted == 0 ? Double.NaN : (double) count(c, c) / predicted;
    }

    /** Of the rows that are {@code c}, the fraction predicted {@code c}; NaN when there are none. */
    public double recall(int c) {
        long support = support(c);
        return support == 0 ? Double.NaN : (double) count(c, c) / support;
    }

    public double f1(int c) {
        double p = precision(c), r = recall(c);
        if (Double.isNaN(p) || Double.isNaN(r)) return Double.NaN;
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Unweighted mean of the per-class F1 scores over the classes present. */
    public double macroF1() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < classes; c++) {
            if (support(c) == 0) continue;
            double f = f1(c);
            sum += Double.isNaN(f) ? 0 : f;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows());
        m.put("loss", loss());
        m.put("accuracy", accuracy());
        m.put("macro_f1", macroF1());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("class", c);
            k.put("precision", precision(c));
            k.put("recall", recall(c));
            k.put("f1", f1(c));
            k.put("support", support(c));
            perClass.add(k);
        }
        m.put("per_class", perClass);
        m.put("confusion_matrix", confusionMatrix());
        return m;
    }
}
