package dev.lockstep.report;

import dev.lockstep.model.Json;
import dev.lockstep.model.ModelDirectory;
import dev.lockstep.model.Registry;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * How a registry's models fared over time: each run's held-out accuracy (the candidate accuracy its promotion
 * check measured, else what its training recorded) at the time its id says it started, by status. Written as
 * {@code REGISTRY/report/registry-accuracy.png} and {@code REGISTRY/report.html}.
 */
public final class RegistryReport {
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private RegistryReport() {}

    public static RunReport.Written write(Configuration conf, String registryUri) {
        Registry registry = new Registry(conf, registryUri);
        String current = registry.current().orElse(null);
        List<RegistryChart.Point> points = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        for (String run : registry.runs()) {
            Map<String, Object> status = registry.status(run);
            String state = String.valueOf(status.getOrDefault("status", "unknown"));
            Double accuracy = accuracy(conf, registry, run, status);
            Date time = startTime(run);
            if (accuracy != null && time != null) points.add(new RegistryChart.Point(time, accuracy, state));
            rows.add(List.of(run + (run.equals(current) ? " (current)" : ""), state, accuracy == null ? "" : accuracy,
                    String.valueOf(status.getOrDefault("reason", ""))));
        }
        byte[] png = RegistryChart.draw(points);
        String pngUri = ReportFiles.write(conf, new Path(registryUri, RunReport.PNG_DIR).toString(), "registry-accuracy.png", png);
        HtmlReport html = new HtmlReport("Lockstep registry " + registryUri)
                .image("registry-accuracy.png", png, "Held-out accuracy of each run; promoted runs joined by a line")
                .grid("runs", List.of("run", "status", "accuracy", "reason"), rows);
        String htmlUri = ReportFiles.write(conf, registryUri, RunReport.HTML, html.render().getBytes(StandardCharsets.UTF_8));
        return new RunReport.Written(htmlUri, List.of(pngUri), List.of());
    }

    private static Double accuracy(Configuration conf, Registry registry, String run, Map<String, Object> status) {
        if (status.get("candidate_accuracy") instanceof Number n) return n.doubleValue();
        String metrics = ModelDirectory.metricsFile(registry.runDir(run));
        if (ReportFiles.exists(conf, metrics) && Json.readMap(conf, metrics).get("test_accuracy") instanceof Number n) return n.doubleValue();
        return null;
    }

    /** Run ids begin with their UTC start time; a run named otherwise is listed but not plotted. */
    static Date startTime(String runId) {
        if (runId.length() < 19) return null;
        try {
            return Date.from(LocalDateTime.parse(runId.substring(0, 19), RUN_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
