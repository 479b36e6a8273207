package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.io.HadoopPaths;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelDirectory;
import dev.lockstep.model.ModelFile;
import dev.lockstep.nn.Architecture;
import dev.lockstep.train.StartWeights;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The model a warm-started run ({@code train --init-from}) starts from: its weights, and where they came from (its
 * URI, the SHA-256 of its file's bytes, the registry run when it is the serving model), which the run's model.json
 * and metrics.json record as its {@code parent}.
 */
public final class ParentModel {
    /** {@code --init-from current}: the serving model of {@code --registry}. */
    public static final String CURRENT = "current";

    private final Architecture architecture;
    private final boolean byteInput;
    private final StartWeights start; // the weights, once: the model itself is not kept through training
    private final String uri;
    private final String sha256;
    private final String registryRun; // null unless it is a registry's serving model

    private ParentModel(MlpModel model, String uri, String sha256, String registryRun) {
        this.architecture = model.architecture();
        this.byteInput = model.byteInput();
        // Its float rows' scaling goes with its weights; byte rows are scaled by 1/255 in every run (and so were its).
        this.start = model.byteInput()
                ? StartWeights.of(model.parameters())
                : StartWeights.of(model.parameters(), model.scaling());
        this.uri = uri;
        this.sha256 = sha256;
        this.registryRun = registryRun;
    }

    /**
     * The model {@code initFrom} names: a model file, a run directory holding {@code model.lsm}, or {@code current},
     * the serving model of {@code registryRun}'s registry when it {@link RegistryRun#begin(PrintWriter, boolean)
     * began} ({@link RegistryRun#servingParent()}). Empty for {@code current} in a registry that served nothing then
     * (its first run trains from scratch, which {@code notices} is told in one line).
     *
     * @param registryRun null when the run has no registry
     * @throws UsageException for {@code current} without a registry
     * @throws LockstepException when the model cannot be read
     */
    public static Optional<ParentModel> resolve(
            Configuration conf, String initFrom, RegistryRun registryRun, PrintWriter notices) {
        if (!initFrom.equals(CURRENT)) return Optional.of(read(conf, modelFileOf(conf, initFrom), null));
        if (registryRun == null) {
            throw new UsageException("--init-from current means the serving model of --registry: give --registry URI, "
                    + "or a model file or run directory");
        }
        Optional<String> serving = registryRun.servingParent();
        if (serving.isEmpty()) {
            notices.println("[lockstep] --init-from current: registry " + registryRun.root()
                    + " serves no model yet; training from scratch");
            return Optional.empty();
        }
        return Optional.of(read(conf, registryRun.modelFile(serving.get()), serving.get()));
    }

    /** A run directory stands for the model file in it. */
    private static String modelFileOf(Configuration conf, String location) {
        try {
            Path p = HadoopPaths.of(location);
            FileSystem fs = HadoopPaths.fileSystem(p, conf);
            return fs.getFileStatus(p).isDirectory() ? ModelDirectory.modelFile(location) : location;
        } catch (FileNotFoundException e) {
            throw new LockstepException("--init-from " + location + ": no such model file or run directory");
        } catch (IOException e) {
            throw new LockstepException("--init-from " + location + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks the model as {@link ModelFile#read} does, hashing the file's bytes on the way. */
    private static ParentModel read(Configuration conf, String file, String registryRun) {
        ModelFile.Digested read = ModelFile.readDigested(conf, file);
        return new ParentModel(read.model(), read.uri(), read.sha256(), registryRun);
    }

    /**
     * Refuses, in one line naming both networks, a run whose network is not the parent's: the same layers, hidden
     * activation and input kind (bytes or float32), so that its weights mean the same thing in the new run.
     *
     * @param byteInput whether the run's training rows are bytes (pixels)
     * @throws UsageException on a mismatch
     */
    public void checkFits(Architecture run, boolean byteInput) {
        Architecture own = architecture;
        if (own.equals(run) && this.byteInput == byteInput) return;
        throw new UsageException(String.format(
                "--init-from %s: its network is %s on %s input, this run's is %s on %s input; they must be the same "
                        + "(give --layers %s --activation %s)",
                uri,
                describe(own),
                this.byteInput ? "bytes" : "float32",
                describe(run),
                byteInput ? "bytes" : "float32",
                own.layersString(),
                own.hidden().displayName()));
    }

    /**
     * Whether the parent standardized its float features (per feature) rather than taking them as they are; empty
     * for a parent on byte input, whose pixels every run scales by 1/255. A warm start keeps the parent's scaling, so
     * this is the run's {@code --standardization}.
     */
    public Optional<Boolean> standardization() {
        return start.scaling().map(s -> !s.isUniform());
    }

    /**
     * Refuses, in one line, a run that asks for the other kind of scaling of float features than the parent's: the
     * parent's weights work on its scaling, which the run keeps.
     *
     * @param asked the run's {@code --standardization}, and {@code source}, where it was given
     * @throws UsageException when it is not the parent's
     */
    public void checkStandardization(boolean asked, String source) {
        Optional<Boolean> own = standardization();
        if (own.isEmpty() || own.get() == asked) return;
        throw new UsageException(String.format(
                "--init-from %s: its float features are %s, this run asks --standardization %s (from %s); a warm "
                        + "start keeps its model's input scaling (give --standardization %s, or leave it out)",
                uri,
                own.get() ? "standardized" : "taken as they are (--standardization false)",
                asked,
                source,
                own.get()));
    }

    private static String describe(Architecture a) {
        return a.layersString() + " " + a.hidden().displayName();
    }

    /** The parent's network: its layers and hidden activation. */
    public Architecture architecture() {
        return architecture;
    }

    /** The weights to start from. */
    public StartWeights startWeights() {
        return start;
    }

    public String uri() {
        return uri;
    }

    /** As metrics.json and model.json record it: {@code uri}, {@code sha256}, and {@code registry_run} from a registry. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", uri);
        m.put("sha256", sha256);
        if (registryRun != null) m.put("registry_run", registryRun);
        return m;
    }
}
