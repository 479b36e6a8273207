package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.Registry;
import dev.lockstep.model.onnx.OnnxExport;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export: a model file or a registry's serving model to ONNX; refusals as one line and the README's codes. */
class ExportCommandTest {
    @TempDir
    Path tmp;

    private static MlpModel model() {
        Architecture arch = new Architecture(new int[] {6, 4, 3}, Activation.TANH);
        float[] p = new float[arch.parameterCount()];
        for (int i = 0; i < p.length; i++) p[i] = (float) Math.sin(i + 1);
        float[] scale = {1, 2, 3, 4, 5, 6}, offset = {0, -1, 1, 0.5f, 0, 2};
        return new MlpModel(arch, p, InputScaling.perFeature(scale, offset), false, 0, 6);
    }

    private record Outcome(int code, String err) {}

    private static Outcome export(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "export";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.run(all, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writesTheModelFileAsOnnx() throws Exception {
        Path lsm = tmp.resolve("model.lsm");
        ModelFile.write(new Configuration(), lsm.toString(), model());
        Path out = tmp.resolve("out/model.onnx");
        Outcome o = export("--model", lsm.toString(), "--format", "onnx", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertArrayEquals(OnnxExport.toBytes(model()), Files.readAllBytes(out));
    }

    @Test
    void writesTheServingModelOfARegistry() throws Exception {
        Configuration conf = new Configuration();
        String root = tmp.resolve("registry").toString();
        Registry registry = new Registry(conf, root);
        Outcome none = export(
                "--registry",
                root,
                "--format",
                "onnx",
                "--out",
                tmp.resolve("x.onnx").toString());
        assertEquals(Main.EXIT_FAILURE, none.code(), none.err());
        assertTrue(none.err().contains("no serving model"), none.err());

        String run = Registry.newRunId();
        ModelFile.write(conf, registry.modelFile(run), model());
        registry.promote(run, "test");
        Path out = tmp.resolve("serving.onnx");
        Outcome o = export("--registry", root, "--format", "ONNX", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertArrayEquals(OnnxExport.toBytes(model()), Files.readAllBytes(out));
    }

    @Test
    void refusesAnUnknownFormatAndAMissingModelInOneLine() {
        Path out = tmp.resolve("m.onnx");
        Outcome format = export("--model", "x.lsm", "--format", "pmml", "--out", out.toString());
        assertEquals(Main.EXIT_USAGE, format.code());
        assertEquals(
                List.of("lockstep: error: --format must be onnx, got 'pmml'"),
                format.err().lines().toList());

        Outcome both = export("--model", "a", "--registry", "b", "--format", "onnx", "--out", out.toString());
        assertEquals(Main.EXIT_USAGE, both.code());

        Outcome missing =
                export("--model", tmp.resolve("absent.lsm").toString(), "--format", "onnx", "--out", out.toString());
        assertEquals(Main.EXIT_FAILURE, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertFalse(Files.exists(out));
    }
}
