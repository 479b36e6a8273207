package dev.lockstep.versus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded tabular classification set in the manner of Guyon's design (scikit-learn's {@code make_classification}):
 * each class is a mixture of clusters in a few informative dimensions, some features are linear mixtures of those,
 * the rest are noise, and every feature gets its own scale (0.1 to about 3,000) and offset, as raw business data
 * has. No single feature separates the classes, and a linear model cannot either.
 */
final class SyntheticTable {
    static final int INFORMATIVE = 10;
    static final int REDUNDANT = 10;
    static final int NOISE = 20;
    static final int FEATURES = INFORMATIVE + REDUNDANT + NOISE;
    static final int CLUSTERS_PER_CLASS = 3;

    record Row(double[] features, int label) {}

    private final int classes;
    private final double[][] centers; // [class * CLUSTERS_PER_CLASS + k][INFORMATIVE]
    private final double[][] mixing; // [REDUNDANT][INFORMATIVE]
    private final double[] scale = new double[FEATURES];
    private final double[] offset = new double[FEATURES];

    SyntheticTable(int classes, long seed) {
        this.classes = classes;
        SplittableRandom r = new SplittableRandom(seed);
        centers = new double[classes * CLUSTERS_PER_CLASS][INFORMATIVE];
        for (double[] c : centers) for (int i = 0; i < INFORMATIVE; i++) c[i] = 1.6 * gaussian(r);
        mixing = new double[REDUNDANT][INFORMATIVE];
        for (double[] m : mixing) for (int i = 0; i < INFORMATIVE; i++) m[i] = r.nextDouble(-1, 1);
        for (int f = 0; f < FEATURES; f++) {
            scale[f] = Math.pow(10, r.nextDouble(-1, 3.5));
            offset[f] = r.nextDouble(-1000, 1000);
        }
    }

    /** {@code n} rows drawn with {@code seed}: equal seeds, equal rows. */
    List<Row> rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(classes);
            double[] center = centers[label * CLUSTERS_PER_CLASS + r.nextInt(CLUSTERS_PER_CLASS)];
            double[] x = new double[FEATURES];
            for (int f = 0; f < INFORMATIVE; f++) x[f] = center[f] + gaussian(r);
            for (int f = 0; f < REDUNDANT; f++) {
                double s = 0;
                for (int k = 0; k < INFORMATIVE; k++) s += mixing[f][k] * x[k];
                x[INFORMATIVE + f] = s;
            }
            for (int f = INFORMATIVE + REDUNDANT; f < FEATURES; f++) x[f] = gaussian(r);
            for (int f = 0; f < FEATURES; f++) x[f] = x[f] * scale[f] + offset[f];
            rows.add(new Row(x, label));
        }
        return rows;
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
