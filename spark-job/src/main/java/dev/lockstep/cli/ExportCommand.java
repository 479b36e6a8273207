package dev.lockstep.cli;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.Registry;
import dev.lockstep.model.onnx.OnnxExport;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "export",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Write a trained model in a standard format for other runtimes. ONNX: input float [N, inputs] of raw",
            "values (pixels 0-255 for an image model), the model's input scaling, then Gemm and the hidden",
            "activation per layer and a Softmax; output 'probabilities' [N, classes]."
        })
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Either a model file or the serving model of a registry. */
    static final class Source {
        @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file (model.lsm).")
        String model;

        @Option(
                names = "--registry",
                required = true,
                paramLabel = "URI",
                description = "Export the serving model of this registry instead.")
        String registry;
    }

    @Option(names = "--format", required = true, description = "The format to write: onnx.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write it (model.onnx).")
    String out;

    @Override
    public Integer call() {
        if (!"onnx".equals(format.toLowerCase(Locale.ROOT))) {
            throw new UsageException("--format must be onnx, got '" + format + "'");
        }
        Configuration hadoop = SparkSetup.Environment.load().hadoop();
        String modelUri = source.model != null ? source.model : servingModel(hadoop, source.registry);
        MlpModel m = ModelFile.read(hadoop, modelUri);
        OnnxExport.write(hadoop, out, m);
        spec.commandLine()
                .getErr()
                .printf(Locale.ROOT, "[lockstep] wrote %s (%s) as ONNX to %s%n", modelUri, m.architecture(), out);
        return 0;
    }

    private static String servingModel(Configuration hadoop, String root) {
        Registry registry = new Registry(hadoop, root);
        String run = registry.current()
                .orElseThrow(() -> new LockstepException("registry " + root + " has no serving model yet"));
        return registry.modelFile(run);
    }
}
