package dev.lockstep.report;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/** The confusion matrix as a heatmap, each cell annotated with its count; rows (y) are true labels. */
final class ConfusionHeatmap {
    static final int SIZE = 640;
    /** Beyond this many classes a count no longer fits its cell: the HTML table beside the heatmap has them. */
    static final int MAX_ANNOTATED = 20;

    private ConfusionHeatmap() {}

    static byte[] draw(List<List<Long>> matrix) {
        int n = matrix.size();
        int size = Math.max(SIZE, 160 + 24 * n); // many classes get a larger picture, not unreadable cells
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(size)
                .height(size)
                .title("Confusion matrix")
                .xAxisTitle("predicted")
                .yAxisTitle("true label")
                .build();
        // XChart draws the first y category at the bottom: list them from the last class so that 0 is on top.
        List<String> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            xs.add(String.valueOf(i));
            ys.add(String.valueOf(n - 1 - i));
        }
        List<Number[]> cells = new ArrayList<>();
        long max = 1;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                long v = matrix.get(y).get(x);
                max = Math.max(max, v);
                cells.add(new Number[] {x, n - 1 - y, v});
            }
        }
        chart.addSeries("counts", xs, ys, cells);
        chart.getStyler()
                .setShowValue(n <= MAX_ANNOTATED)
                .setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
                .setValueFontColor(Color.BLACK)
                .setMin(0)
                .setMax(max)
                .setHeatMapValueDecimalPattern("0")
                .setRangeColors(new Color[] {Color.WHITE, new Color(158, 202, 225), new Color(8, 81, 156)})
                .setChartBackgroundColor(Color.WHITE);
        return Png.of(chart);
    }
}
