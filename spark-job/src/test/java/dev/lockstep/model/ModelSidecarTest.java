package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSidecarTest {
    @TempDir
    Path dir;

    @Test
    void writesEveryFieldInADocumentedOrder() throws Exception {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("testAccuracy", 0.9812);
        metrics.put("trainLoss", Double.NaN);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("layers", "4,3,2");
        config.put("epochs", 3);
        String uri = ModelDirectory.sidecarFile(dir.resolve("run").toString());
        ModelSidecar.write(new Configuration(), uri, TestModels.small(), metrics, config, "sha256:abc");

        Map<String, Object> json = Json.readMap(new Configuration(), uri);
        assertEquals(
                List.of(
                        "format",
                        "formatVersion",
                        "architecture",
                        "input",
                        "inputScaling",
                        "parameterCount",
                        "metrics",
                        "config",
                        "dataFingerprint",
                        "codeVersion",
                        "createdAt"),
                List.copyOf(json.keySet()));
        assertEquals("lockstep-model", json.get("format"));
        assertEquals(2, json.get("formatVersion"));
        assertEquals(
                Map.of("layers", List.of(4, 3, 2), "hidden", "tanh", "output", "softmax"), json.get("architecture"));
        assertEquals(
                Map.of("kind", "uniform", "scale", (double) (1f / 127.5f), "offset", -1.0),
                round(json.get("inputScaling")));
        assertEquals(Map.of("kind", "bytes", "size", 4, "image", Map.of("height", 2, "width", 2)), json.get("input"));

        String tabular = ModelDirectory.sidecarFile(dir.resolve("tabular").toString());
        ModelSidecar.write(new Configuration(), tabular, TestModels.tabular(), metrics, config, "sha256:abc");
        Map<String, Object> t = Json.readMap(new Configuration(), tabular);
        assertEquals(Map.of("kind", "float32", "size", 3), t.get("input"));
        assertEquals(
                Map.of("kind", "per-feature", "features", 3),
                t.get("inputScaling"),
                "per-feature scaling: what it is, not every number");
        assertEquals(23, json.get("parameterCount"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("testAccuracy", 0.9812);
        m.put("trainLoss", null);
        assertEquals(m, json.get("metrics"));
        assertEquals(config, json.get("config"));
        assertEquals("sha256:abc", json.get("dataFingerprint"));
        assertEquals("dev", json.get("codeVersion"));
        Instant created = Instant.parse((String) json.get("createdAt"));
        assertTrue(Math.abs(created.getEpochSecond() - Instant.now().getEpochSecond()) < 600);
        assertTrue(Files.readString(Path.of(uri)).endsWith("}\n"));
    }

    /** JSON carries floats with float precision; widen them back the same way for comparison. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> round(Object scaling) {
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) scaling);
        m.replaceAll((k, v) -> v instanceof Number n ? (Object) (double) n.floatValue() : v);
        return m;
    }

    @Test
    void createdAtIsIsoUtcToTheSecond() {
        Clock clock = Clock.fixed(Instant.parse("2025-03-04T05:06:07.891Z"), ZoneOffset.UTC);
        Map<String, Object> c = ModelSidecar.content(TestModels.small(), null, null, null, clock);
        assertEquals("2025-03-04T05:06:07Z", c.get("createdAt"));
        assertEquals(Map.of(), c.get("metrics"));
        assertTrue(Json.pretty(c).contains("\"dataFingerprint\": null"));
    }

    @Test
    void aWarmStartedModelRecordsItsParentAfterTheDataFingerprint() throws Exception {
        Map<String, Object> parent = new LinkedHashMap<>();
        parent.put("uri", "file:/models/run/model.lsm");
        parent.put("sha256", "ab".repeat(32));
        String text = ModelSidecar.text(TestModels.small(), Map.of(), Map.of(), "sha256:abc", parent);
        Path file = dir.resolve("model.json");
        Files.writeString(file, text);
        Map<String, Object> json = Json.readMap(new Configuration(), file.toString());
        List<String> keys = List.copyOf(json.keySet());
        assertEquals(keys.indexOf("dataFingerprint") + 1, keys.indexOf("parent"), keys.toString());
        assertEquals(parent, json.get("parent"));
        assertFalse(ModelSidecar.text(TestModels.small(), Map.of(), Map.of(), "sha256:abc", null)
                .contains("\"parent\""));
    }
}
