package dev.lockstep.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Held-out accuracy of every registry run over time: promoted runs green and joined, rejected red, others grey. */
final class RegistryChart {
    record Point(Date time, double accuracy, String status) {}

    private RegistryChart() {}

    static byte[] draw(List<Point> points) {
        XYChart chart = new XYChartBuilder()
                .width(800)
                .height(420)
                .title("Accuracy of registry runs")
                .xAxisTitle("run started (UTC)")
                .yAxisTitle("held-out accuracy")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE).setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setDatePattern("yyyy-MM-dd HH:mm");
        series(chart, points, "promoted", new Color(35, 139, 69), true);
        series(chart, points, "rejected", new Color(203, 24, 29), false);
        List<Point> other = points.stream()
                .filter(p -> !p.status().equals("promoted") && !p.status().equals("rejected"))
                .toList();
        if (!other.isEmpty()) add(chart, "other", other, Color.GRAY, false);
        if (chart.getSeriesMap().isEmpty())
            chart.addSeries("no runs with an accuracy", new double[] {0}, new double[] {0});
        return Png.of(chart);
    }

    private static void series(XYChart chart, List<Point> points, String status, Color color, boolean line) {
        List<Point> mine =
                points.stream().filter(p -> p.status().equals(status)).toList();
        if (!mine.isEmpty()) add(chart, status, mine, color, line);
    }

    private static void add(XYChart chart, String name, List<Point> points, Color color, boolean line) {
        List<Date> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Point p : points) {
            x.add(p.time());
            y.add(p.accuracy());
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(line ? XYSeries.XYSeriesRenderStyle.Line : XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(color).setLineColor(color);
    }
}
