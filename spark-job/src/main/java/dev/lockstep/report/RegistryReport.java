package dev.lockstep.report;

import dev.lockstep.LockstepException;
import dev.lockstep.io.Json;
import dev.lockstep.model.ModelDirectory;
import dev.lockstep.model.Registry;
import dev.lockstep.model.RunIds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * How a registry's models fared over time: each run's held-out accuracy (the candidate accuracy its promotion
 * check measured, else what its training recorded) at the time its id says it started, by status. Written as
 * {@code REGISTRY/report/registry-accuracy.png} and {@code REGISTRY/report.html}. A run whose files cannot be read is
 * named in a warning and left out (its status), or shown without an accuracy (its metrics), not fatal to the report.
 */
public final class RegistryReport {
    private RegistryReport() {}

    public static RunReport.Written write(Configuration conf, String registryUri) {
        return write(conf, registryUri, Registry.STDERR_WARNINGS);
    }

    /** @param warnings told, a line each, about runs left out or shown without an accuracy */
    public static RunReport.Written write(Configuration conf, String registryUri, Consumer<String> warnings) {
        Registry registry = new Registry(conf, registryUri, warnings);
        String current = registry.current().orElse(null);
        List<RegistryChart.Point> points = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : registry.statuses().entrySet()) {
            String run = e.getKey();
            Map<String, Object> status = e.getValue();
            String state = String.valueOf(status.getOrDefault("status", "unknown"));
            Double accuracy = accuracy(conf, registry, run, status, warnings);
            Date time = startTime(run);
            if (accuracy != null && time != null) points.add(new RegistryChart.Point(time, accuracy, state));
            rows.add(List.of(
                    run + (run.equals(current) ? " (current)" : ""),
                    state,
                    accuracy == null ? "" : accuracy,
                    String.valueOf(status.getOrDefault("reason", ""))));
        }
        byte[] png = RegistryChart.draw(points);
        String pngUri = ReportFiles.write(
                conf, new Path(registryUri, RunReport.PNG_DIR).toString(), "registry-accuracy.png", png);
        HtmlReport html = new HtmlReport("Lockstep registry " + registryUri)
                .image("registry-accuracy.png", png, "Held-out accuracy of each run; promoted runs joined by a line")
                .grid("runs", List.of("run", "status", "accuracy", "reason"), rows);
        String htmlUri = ReportFiles.write(
                conf, registryUri, RunReport.HTML, html.render().getBytes(StandardCharsets.UTF_8));
        return new RunReport.Written(htmlUri, List.of(pngUri), List.of());
    }

    private static Double accuracy(
            Configuration conf, Registry registry, String run, Map<String, Object> status, Consumer<String> warnings) {
        if (status.get("candidate_accuracy") instanceof Number n) return n.doubleValue();
        String metrics = ModelDirectory.metricsFile(registry.runDir(run));
        try {
            if (ReportFiles.exists(conf, metrics)
                    && Json.readMap(conf, metrics).get("test_accuracy") instanceof Number n) return n.doubleValue();
        } catch (LockstepException e) {
            warnings.accept("run " + run + " shown without an accuracy: " + e.getMessage());
        }
        return null;
    }

    /** Run ids begin with their UTC start time. */
    static Date startTime(String runId) {
        Instant start = RunIds.startTime(runId);
        return start == null ? null : Date.from(start);
    }
}
