package dev.lockstep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.model.Registry;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryReportTest {
    @TempDir
    Path tmp;

    @Test
    void plotsEveryRunWithItsStatus() throws Exception {
        Registry r = new Registry(new Configuration(), tmp.toString());
        r.setStatus("20261120-020000-000-aaaa", "promoted", "first", Map.of("candidate_accuracy", 0.95));
        r.setStatus("20261121-020000-000-bbbb", "rejected", "worse", Map.of("candidate_accuracy", 0.90));
        r.setStatus("20261122-020000-000-cccc", "promoted", "better", Map.of("candidate_accuracy", 0.97));
        r.setStatus("20261123-020000-000-dddd", "failed", "diverged", Map.of());
        RunReport.Written w = RegistryReport.write(new Configuration(), tmp.toString());
        BufferedImage png =
                ImageIO.read(tmp.resolve("report/registry-accuracy.png").toFile());
        assertNotNull(png);
        assertEquals(800, png.getWidth());
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("<td>20261121-020000-000-bbbb</td><td>rejected</td><td>0.900000</td>"), html);
        assertTrue(html.contains("<td>20261123-020000-000-dddd</td><td>failed</td><td></td>"), html);
        assertEquals(1, w.pngs().size());
    }

    @Test
    void aRunWithUnreadableFilesIsAWarningNotAFailedReport() throws Exception {
        Registry r = new Registry(new Configuration(), tmp.toString());
        r.setStatus("20261120-020000-000-aaaa", "promoted", "first", Map.of("candidate_accuracy", 0.95));
        r.setStatus("20261121-020000-000-bbbb", "failed", "diverged", Map.of());
        r.setStatus("20261122-020000-000-cccc", "rejected", "worse", Map.of());
        Path metrics = tmp.resolve("runs/20261122-020000-000-cccc/metrics.json");
        Files.writeString(metrics, "{\"test_accuracy\": ");
        Files.writeString(tmp.resolve("runs/20261121-020000-000-bbbb/status.json"), "{\"status\": null}");
        List<String> warnings = new ArrayList<>();
        RegistryReport.write(new Configuration(), tmp.toString(), warnings::add);
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("<td>20261120-020000-000-aaaa</td><td>promoted</td><td>0.950000</td>"), html);
        assertTrue(html.contains("<td>20261122-020000-000-cccc</td><td>rejected</td><td></td>"), html);
        assertTrue(!html.contains("20261121-020000-000-bbbb"), html);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("skipping run 20261121-020000-000-bbbb: "), warnings.get(0));
        assertTrue(
                warnings.get(1).startsWith("run 20261122-020000-000-cccc shown without an accuracy: " + metrics),
                warnings.get(1));
    }
}
