package dev.lockstep.model;

import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.Json;
import dev.lockstep.nn.Architecture;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code model.json}: a human- and tool-readable description written next to {@code model.lsm}. It is never
 * needed to load the model (the binary file is self-describing); it records how the model came to be.
 *
 * <pre>
 * {
 *   "format": "lockstep-model",
 *   "formatVersion": 2,
 *   "architecture": { "layers": [ 784, 128, 10 ], "hidden": "relu", "output": "softmax" },
 *   "input": { "kind": "bytes" or "float32", "size": 784, "image": { "height": 28, "width": 28 } (images only) },
 *   "inputScaling": { "kind": "uniform", "scale": 0.003921569, "offset": 0.0 }
 *                or { "kind": "per-feature", "features": 784 } (standardized; the numbers are in model.lsm),
 *   "parameterCount": 101770,
 *   "metrics": { ...given by the caller... },
 *   "config": { ...given by the caller... },
 *   "dataFingerprint": "...",
 *   "parent": { "uri": "...", "sha256": "...", "registry_run": "..." } (warm-started runs only; see train --init-from),
 *   "codeVersion": "0.1.0" (jar manifest Implementation-Version, or "dev"),
 *   "createdAt": "2025-01-31T12:34:56Z"
 * }
 * </pre>
 */
public final class ModelSidecar {
    static final String DEV_VERSION = "dev";

    private ModelSidecar() {}

    /** Writes the sidecar to {@code uri} atomically. Maps are written in their iteration order. */
    public static void write(
            Configuration conf,
            String uri,
            MlpModel model,
            Map<String, Object> metrics,
            Map<String, Object> config,
            String dataFingerprint) {
        AtomicFiles.writeString(conf, uri, text(model, metrics, config, dataFingerprint, null));
    }

    /**
     * The sidecar's text, for writing it together with other files ({@link AtomicFiles#writeAll}); with the
     * {@code parent} a model was trained from (null: none).
     */
    public static String text(
            MlpModel model,
            Map<String, Object> metrics,
            Map<String, Object> config,
            String dataFingerprint,
            Map<String, Object> parent) {
        Map<String, Object> json = content(model, metrics, config, dataFingerprint, Clock.systemUTC());
        if (parent != null) json = withParent(json, parent);
        return Json.pretty(json) + "\n";
    }

    /** {@code parent} after {@code dataFingerprint}: what the model was made from, together. */
    static Map<String, Object> withParent(Map<String, Object> content, Map<String, Object> parent) {
        Map<String, Object> json = new LinkedHashMap<>();
        content.forEach((k, v) -> {
            json.put(k, v);
            if (k.equals("dataFingerprint")) json.put("parent", parent);
        });
        return json;
    }

    static Map<String, Object> content(
            MlpModel model,
            Map<String, Object> metrics,
            Map<String, Object> config,
            String dataFingerprint,
            Clock clock) {
        Architecture arch = model.architecture();
        Map<String, Object> architecture = new LinkedHashMap<>();
        architecture.put("layers", arch.sizes());
        architecture.put("hidden", arch.hidden().displayName());
        architecture.put("output", "softmax");
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("kind", model.byteInput() ? "bytes" : "float32");
        input.put("size", arch.inputSize());
        if (model.isImage()) input.put("image", Map.of("height", model.height(), "width", model.width()));
        Map<String, Object> scaling = new LinkedHashMap<>();
        InputScaling s = model.scaling();
        if (s.isUniform()) {
            scaling.put("kind", "uniform");
            scaling.put("scale", s.scale());
            scaling.put("offset", s.offset());
        } else { // the numbers are in model.lsm; here only what they are
            scaling.put("kind", "per-feature");
            scaling.put("features", s.features());
        }

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", "lockstep-model");
        json.put("formatVersion", ModelFile.FORMAT_VERSION);
        json.put("architecture", architecture);
        json.put("input", input);
        json.put("inputScaling", scaling);
        json.put("parameterCount", arch.parameterCount());
        json.put("metrics", metrics == null ? Map.of() : metrics);
        json.put("config", config == null ? Map.of() : config);
        json.put("dataFingerprint", dataFingerprint);
        json.put("codeVersion", codeVersion());
        json.put("createdAt", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        return json;
    }

    /** The Implementation-Version of the jar this class was loaded from; "dev" when run from classes (IDE, tests). */
    public static String codeVersion() {
        String version = ModelSidecar.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? DEV_VERSION : version;
    }
}
