package dev.lockstep.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Accuracy (recall) of each class as bars, from the confusion matrix: which digits the model gets wrong. */
final class ClassAccuracyChart {
    static final int WIDTH = 640;
    static final int HEIGHT = 400;

    private ClassAccuracyChart() {}

    /** Per class, correct / rows of that class; NaN for a class with no rows. */
    static double[] accuracies(List<List<Long>> matrix) {
        double[] a = new double[matrix.size()];
        for (int c = 0; c < a.length; c++) {
            long support = 0;
            for (long v : matrix.get(c)) support += v;
            a[c] = support == 0 ? Double.NaN : (double) matrix.get(c).get(c) / support;
        }
        return a;
    }

    static byte[] draw(List<List<Long>> matrix) {
        double[] acc = accuracies(matrix);
        List<String> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        double min = 1;
        for (int c = 0; c < acc.length; c++) {
            x.add(String.valueOf(c));
            y.add(Double.isNaN(acc[c]) ? 0 : acc[c]);
            if (!Double.isNaN(acc[c])) min = Math.min(min, acc[c]);
        }
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("Accuracy per class")
                .xAxisTitle("true label")
                .yAxisTitle("accuracy")
                .build();
        chart.addSeries("accuracy", x, y).setFillColor(new Color(49, 130, 189));
        // Start the axis a little below the worst class so that differences between good classes show.
        chart.getStyler()
                .setYAxisMin(Math.max(0, Math.floor((min - 0.05) * 20) / 20))
                .setYAxisMax(1.0);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return Png.of(chart);
    }
}
