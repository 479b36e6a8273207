package dev.lockstep.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Loss and accuracy per epoch, train and test, from history.jsonl's lines. */
final class TrainingCurves {
    static final int WIDTH = 640;
    static final int HEIGHT = 400;

    private TrainingCurves() {}

    static byte[] loss(List<Map<String, Object>> history, String evalName) {
        return Png.of(chart(history, "Loss per epoch", "cross-entropy", "train_loss", "test_loss", evalName));
    }

    static byte[] accuracy(List<Map<String, Object>> history, String evalName) {
        return Png.of(chart(history, "Accuracy per epoch", "accuracy", "train_accuracy", "test_accuracy", evalName));
    }

    private static XYChart chart(
            List<Map<String, Object>> history,
            String title,
            String yTitle,
            String trainKey,
            String testKey,
            String evalName) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle("epoch")
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setChartBackgroundColor(Color.WHITE);
        add(chart, "train", history, trainKey);
        add(chart, evalName, history, testKey);
        if (chart.getSeriesMap().isEmpty()) chart.addSeries("no epochs", new double[] {0}, new double[] {0});
        return chart;
    }

    /** Epochs without a value (older runs did not record train accuracy) are left out, not drawn as zero. */
    private static void add(XYChart chart, String name, List<Map<String, Object>> history, String key) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (Map<String, Object> e : history) {
            if (e.get(key) instanceof Number v
                    && e.get("epoch") instanceof Number epoch
                    && Double.isFinite(v.doubleValue())) {
                x.add(epoch.doubleValue());
                y.add(v.doubleValue());
            }
        }
        if (!x.isEmpty()) chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }
}
