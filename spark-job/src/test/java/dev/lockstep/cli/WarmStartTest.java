package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.FloatRows;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.UsageException;
import dev.lockstep.cli.CommandRun.Outcome;
import dev.lockstep.data.TabularData;
import dev.lockstep.io.Json;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.Registry;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.train.RunPlan;
import dev.lockstep.train.StartWeights;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.workflow.ParentModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --init-from}: a run that starts from a saved model's weights, with fresh optimizer state. */
class WarmStartTest {
    @TempDir
    static Path tmp;

    /** A one-epoch run from scratch: the parent of the warm starts below, and what they must differ from. */
    static Path parent;

    private static String[] train(Path out, String... more) {
        return trainLayers(out, "784,16,10", more);
    }

    private static String[] trainLayers(Path out, String layers, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                out.toString(),
                "--layers",
                layers,
                "--epochs",
                "1",
                "--batch",
                "300",
                "--partitions",
                "2",
                "--no-report"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void trainParent() {
        parent = tmp.resolve("parent");
        Outcome o = run(train(parent));
        assertEquals(0, o.code(), o.err());
    }

    private static byte[] model(Path run) throws Exception {
        return Files.readAllBytes(run.resolve("model.lsm"));
    }

    private static Map<String, Object> json(Path file) {
        return Json.readMap(new Configuration(), file.toString());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void zeroEpochsFromAModelGiveItsParametersBackBitForBit() {
        Optional<ParentModel> p =
                ParentModel.resolve(new Configuration(), parent.toString(), null, new PrintWriter(new StringWriter()));
        float[] expected = ModelFile.read(
                        new Configuration(), parent.resolve("model.lsm").toString())
                .parameters();
        TrainConfig config = TrainConfig.builder()
                .layers(new int[] {784, 16, 10})
                .epochs(0)
                .batchSize(100)
                .partitions(2)
                .build();
        var sample = TestData.sample();
        RunPlan plan = RunPlan.of(
                config, new InMemoryRows(sample.slice(0, 1000)), new InMemoryRows(sample.slice(9000, 9200)), "test");
        StartWeights start = p.get().startWeights();
        RunPlan.Placed placed = plan.placedOn(SharedSpark.context(), start);
        TrainingResult r =
                new Trainer(SharedSpark.context(), List.of()).fit(placed, Optional.of(start.checkpoint(placed)));
        assertArrayEquals(expected, r.parameters());
    }

    /**
     * On float rows the run keeps its parent's input scaling: refitted on its own rows (whose moments are not the
     * parent's), it would feed the parent's weights inputs on another scale.
     */
    @Test
    void zeroEpochsOnFloatRowsGiveTheParentsParametersAndScalingBackBitForBit() {
        Architecture arch = Architecture.parse("6,8,3", Activation.TANH);
        java.util.Random r = new java.util.Random(5);
        float[] parameters = new float[arch.parameterCount()];
        for (int i = 0; i < parameters.length; i++) parameters[i] = (float) r.nextGaussian();
        float[] scales = new float[6];
        float[] offsets = new float[6];
        for (int f = 0; f < 6; f++) {
            scales[f] = 0.01f * (f + 1);
            offsets[f] = -30f + f;
        }
        MlpModel parentModel = new MlpModel(arch, parameters, InputScaling.perFeature(scales, offsets), false, 1, 6);
        String file = tmp.resolve("float-parent.lsm").toString();
        ModelFile.write(new Configuration(), file, parentModel);

        ParentModel p = ParentModel.resolve(new Configuration(), file, null, new PrintWriter(new StringWriter()))
                .orElseThrow();
        assertEquals(Optional.of(true), p.standardization());
        TrainConfig config = TrainConfig.builder()
                .layers(arch.sizes())
                .activation(Activation.TANH)
                .epochs(0)
                .batchSize(50)
                .partitions(2)
                .build();
        FloatRows rows = FloatRows.clusters(9, 400, 6, 3);
        RunPlan plan = RunPlan.of(config, rows.slice(0, 300), rows.slice(300, 400), "test");
        StartWeights start = p.startWeights();
        RunPlan.Placed placed = plan.placedOn(SharedSpark.context(), start);
        TrainingResult warm =
                new Trainer(SharedSpark.context(), List.of()).fit(placed, Optional.of(start.checkpoint(placed)));
        assertArrayEquals(FloatBits.of(parameters), FloatBits.of(warm.parameters()));
        assertEquals(parentModel.scaling(), warm.model().scaling(), "the parent's scaling, as it was");
        for (int f = 0; f < 6; f++) {
            assertEquals(
                    Float.floatToRawIntBits(scales[f]),
                    Float.floatToRawIntBits(warm.model().scaling().scale(f)));
            assertEquals(
                    Float.floatToRawIntBits(offsets[f]),
                    Float.floatToRawIntBits(warm.model().scaling().offset(f)));
        }

        // The same rows from scratch are standardized on their own moments: not the parent's scaling.
        TrainingResult scratch = new Trainer(SharedSpark.context(), List.of())
                .fit(plan.placedOn(SharedSpark.context()), Optional.empty());
        assertFalse(scratch.model().scaling().equals(parentModel.scaling()));
        // The kept scaling is in the start's digest: a run from the same weights on another scaling is another run.
        assertFalse(placed.fingerprint()
                .equals(plan.placedOn(SharedSpark.context(), StartWeights.of(parameters))
                        .fingerprint()));
    }

    @Test
    void aWarmStartIsDeterministicDiffersFromScratchAndResumesToTheSameBits() throws Exception {
        Path warm = tmp.resolve("warm");
        Outcome first = run(train(warm, "--init-from", parent.toString(), "--checkpoint-every", "10"));
        assertEquals(0, first.code(), first.err());
        Path again = tmp.resolve("warm-again");
        Outcome second =
                run(train(again, "--init-from", parent.resolve("model.lsm").toString()));
        assertEquals(0, second.code(), second.err());
        assertArrayEquals(model(warm), model(again), "the same start, settings and data: the same bits");
        assertFalse(
                java.util.Arrays.equals(model(parent), model(warm)),
                "one epoch from the parent is not one epoch from scratch (the parent itself)");

        // The parent, recorded in both files; its own files, from scratch, record none.
        Map<String, Object> recorded =
                Map.of("uri", "file:" + parent.resolve("model.lsm"), "sha256", sha256(parent.resolve("model.lsm")));
        assertEquals(recorded, json(warm.resolve("metrics.json")).get("parent"));
        assertEquals(recorded, json(warm.resolve("model.json")).get("parent"));
        assertFalse(json(parent.resolve("metrics.json")).containsKey("parent"));
        assertFalse(json(parent.resolve("model.json")).containsKey("parent"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sources =
                (Map<String, Object>) json(warm.resolve("metrics.json")).get("config_sources");
        assertEquals("--init-from", sources.get("initFrom"));
        @SuppressWarnings("unchecked")
        Map<String, Object> scratchSources =
                (Map<String, Object>) json(parent.resolve("metrics.json")).get("config_sources");
        assertFalse(scratchSources.containsKey("initFrom"));

        // Interrupted after step 10 of 30: the resumed run ends with the uninterrupted run's bits.
        Path checkpoints = warm.resolve("checkpoints");
        Files.delete(checkpoints.resolve("ckpt-000000000030.lsc"));
        Files.delete(checkpoints.resolve("ckpt-000000000020.lsc"));
        Files.delete(warm.resolve("model.lsm"));
        Outcome resumed = run(train(warm, "--init-from", parent.toString(), "--checkpoint-every", "10", "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming after step 10"), resumed.err());
        assertArrayEquals(model(again), model(warm));

        // Without the same start its checkpoints are not this run's.
        Outcome scratch = run(train(warm, "--checkpoint-every", "10", "--resume"));
        assertEquals(Main.EXIT_FAILURE, scratch.code(), scratch.err());
        assertTrue(scratch.errorLines().get(0).contains("other settings or data"), scratch.err());
    }

    private static String[] trainTable(Path out, String train, String test, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--format",
                "parquet",
                "--train",
                train,
                "--test",
                test,
                "--out",
                out.toString(),
                "--layers",
                "6,16,4",
                "--epochs",
                "1",
                "--batch",
                "30",
                "--partitions",
                "2",
                "--no-report"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aTableWarmStartKeepsTheParentsInputScalingAndItsKind() throws Exception {
        String parentTrain = tmp.resolve("p-train.parquet").toString();
        String parentTest = tmp.resolve("p-test.parquet").toString();
        TabularData.generate(3, 400, 4, 6, 1.0).writeParquet(TabularData.spark(), parentTrain, parentTest, 300);
        // Other rows, on another scale: standardized on their own, they would get another scaling.
        String childTrain = tmp.resolve("c-train.parquet").toString();
        String childTest = tmp.resolve("c-test.parquet").toString();
        TabularData.generate(4, 400, 4, 6, 5.0).writeParquet(TabularData.spark(), childTrain, childTest, 300);

        Path standardized = tmp.resolve("table-parent");
        Outcome p = run(trainTable(standardized, parentTrain, parentTest));
        assertEquals(0, p.code(), p.err());
        Path child = tmp.resolve("table-child");
        Outcome c = run(trainTable(child, childTrain, childTest, "--init-from", standardized.toString()));
        assertEquals(0, c.code(), c.err());
        MlpModel parentModel = ModelFile.read(
                new Configuration(), standardized.resolve("model.lsm").toString());
        MlpModel childModel =
                ModelFile.read(new Configuration(), child.resolve("model.lsm").toString());
        assertFalse(parentModel.scaling().isUniform());
        assertEquals(parentModel.scaling(), childModel.scaling());
        assertEquals(
                json(standardized.resolve("model.json")).get("inputScaling"),
                json(child.resolve("model.json")).get("inputScaling"));
        Path scratch = tmp.resolve("table-scratch");
        Outcome s = run(trainTable(scratch, childTrain, childTest));
        assertEquals(0, s.code(), s.err());
        assertFalse(parentModel
                .scaling()
                .equals(ModelFile.read(
                                new Configuration(),
                                scratch.resolve("model.lsm").toString())
                        .scaling()));

        // Asking for the other kind of scaling than the parent's is refused before training.
        Outcome off = run(trainTable(
                tmp.resolve("table-off"),
                childTrain,
                childTest,
                "--init-from",
                standardized.toString(),
                "--standardization",
                "false"));
        assertEquals(Main.EXIT_USAGE, off.code(), off.err());
        assertEquals(1, off.errorLines().size(), off.err());
        assertTrue(
                off.errorLines()
                        .get(0)
                        .contains("its float features are standardized, this run asks "
                                + "--standardization false (from --standardization)"),
                off.err());
        assertFalse(Files.exists(tmp.resolve("table-off").resolve("model.lsm")));

        // A parent that took its features as they are: the run does so too, or is refused when it asks otherwise.
        Path identity = tmp.resolve("table-identity");
        Outcome i = run(trainTable(identity, parentTrain, parentTest, "--standardization", "false"));
        assertEquals(0, i.code(), i.err());
        Outcome on = run(trainTable(
                tmp.resolve("table-on"),
                childTrain,
                childTest,
                "--init-from",
                identity.toString(),
                "--standardization",
                "true"));
        assertEquals(Main.EXIT_USAGE, on.code(), on.err());
        assertEquals(1, on.errorLines().size(), on.err());
        assertTrue(on.errorLines().get(0).contains("taken as they are"), on.err());
        Path inherits = tmp.resolve("table-inherits");
        Outcome in = run(trainTable(inherits, childTrain, childTest, "--init-from", identity.toString()));
        assertEquals(0, in.code(), in.err());
        assertEquals(
                InputScaling.IDENTITY,
                ModelFile.read(
                                new Configuration(),
                                inherits.resolve("model.lsm").toString())
                        .scaling());
        Map<String, Object> metrics = json(inherits.resolve("metrics.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) metrics.get("config");
        assertEquals(false, config.get("standardization"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sources = (Map<String, Object>) metrics.get("config_sources");
        assertTrue(String.valueOf(sources.get("standardization")).startsWith("from --init-from "), sources.toString());
    }

    @Test
    void anotherArchitectureIsRefusedInOneLineNamingBoth() {
        Outcome layers = run(trainLayers(tmp.resolve("wide"), "784,32,10", "--init-from", parent.toString()));
        assertEquals(Main.EXIT_USAGE, layers.code(), layers.err());
        assertEquals(1, layers.errorLines().size(), layers.err());
        String line = layers.errorLines().get(0);
        assertTrue(line.contains("784,16,10 relu on bytes input") && line.contains("784,32,10 relu on bytes"), line);

        Outcome activation = run(train(tmp.resolve("tanh"), "--init-from", parent.toString(), "--activation", "tanh"));
        assertEquals(Main.EXIT_USAGE, activation.code(), activation.err());
        assertTrue(
                activation.errorLines().get(0).contains("784,16,10 relu on bytes input, this run's is 784,16,10 tanh"),
                activation.err());
        assertFalse(Files.exists(tmp.resolve("wide").resolve("model.lsm")));

        ParentModel pixels = ParentModel.resolve(
                        new Configuration(), parent.toString(), null, new PrintWriter(new StringWriter()))
                .orElseThrow();
        UsageException floats = assertThrows(
                UsageException.class, () -> pixels.checkFits(Architecture.parse("784,16,10", Activation.RELU), false));
        assertTrue(
                floats.getMessage()
                        .contains("784,16,10 relu on bytes input, this run's is 784,16,10 relu on " + "float32 input"),
                floats.getMessage());
    }

    @Test
    void withoutLayersTheRunTakesTheParentsNetwork() throws Exception {
        Path given = tmp.resolve("layers-given");
        Path inherited = tmp.resolve("layers-inherited");
        Outcome g = run(train(given, "--init-from", parent.toString()));
        assertEquals(0, g.code(), g.err());
        // The default network (784,256,128,10) is not the parent's: without the inheritance this is refused.
        Outcome i = run(trainLayers(inherited, "auto", "--init-from", parent.toString()));
        assertEquals(0, i.code(), i.err());
        assertArrayEquals(model(given), model(inherited));
        Map<String, Object> metrics = json(inherited.resolve("metrics.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sources = (Map<String, Object>) metrics.get("config_sources");
        assertTrue(String.valueOf(sources.get("layers")).startsWith("from --init-from "), sources.toString());
        assertTrue(String.valueOf(sources.get("activation")).startsWith("from --init-from "), sources.toString());
    }

    @Test
    void aMissingModelIsOneLine() {
        Outcome o = run(train(
                tmp.resolve("orphan"), "--init-from", tmp.resolve("nowhere").toString()));
        assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
        assertEquals(1, o.errorLines().size(), o.err());
        assertTrue(o.errorLines().get(0).contains("no such model file or run directory"), o.err());
    }

    @Test
    void currentNeedsARegistry() {
        Outcome o = run(train(tmp.resolve("no-registry"), "--init-from", "current"));
        assertEquals(Main.EXIT_USAGE, o.code(), o.err());
        assertTrue(o.errorLines().get(0).contains("--registry"), o.err());

        Outcome empty = run(train(tmp.resolve("empty"), "--init-from", ""));
        assertEquals(Main.EXIT_USAGE, empty.code(), empty.err());
        assertTrue(empty.errorLines().get(0).contains("--init-from"), empty.err());
    }

    @Test
    void currentStartsFromTheServingModelOrFromScratchInAnEmptyRegistry() throws Exception {
        Path root = tmp.resolve("registry");
        Registry registry = new Registry(new Configuration(), root.toString());
        String[] args = {
            "train",
            "--registry",
            root.toString(),
            "--data",
            TestData.sampleDir().toString(),
            "--layers",
            "784,16,10",
            "--epochs",
            "1",
            "--batch",
            "300",
            "--partitions",
            "2",
            "--no-report",
            "--init-from",
            "current"
        };
        Outcome first = run(args);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("serves no model yet; training from scratch"), first.err());
        String run1 = registry.current().orElseThrow();
        Path run1Dir = root.resolve("runs").resolve(run1);
        assertFalse(json(run1Dir.resolve("metrics.json")).containsKey("parent"));
        assertArrayEquals(model(parent), model(run1Dir), "from scratch: the same bits as a run without --init-from");

        Outcome second = run(args);
        assertTrue(second.code() == 0 || second.code() == 3, second.err());
        String run2 = registry.runs().stream()
                .filter(r -> !r.equals(run1))
                .findFirst()
                .orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> parentOf2 = (Map<String, Object>)
                json(root.resolve("runs").resolve(run2).resolve("metrics.json")).get("parent");
        assertEquals(run1, parentOf2.get("registry_run"));
        assertEquals(sha256(run1Dir.resolve("model.lsm")), parentOf2.get("sha256"));
        assertEquals("file:" + run1Dir.resolve("model.lsm"), parentOf2.get("uri"));
        ModelFile.read(new Configuration(), run1Dir.resolve("model.lsm").toString()); // untouched, still readable
    }
    /** train --registry ROOT --init-from current as the driver of a YARN application's attempt, in cluster mode. */
    private static Outcome currentAs(String application, Path root) {
        System.setProperty("spark.yarn.app.id", application);
        System.setProperty("spark.submit.deployMode", "cluster");
        try {
            return run(
                    "train",
                    "--registry",
                    root.toString(),
                    "--data",
                    TestData.sampleDir().toString(),
                    "--epochs",
                    "1",
                    "--batch",
                    "300",
                    "--partitions",
                    "2",
                    "--tolerance",
                    "1",
                    "--no-report",
                    "--init-from",
                    "current");
        } finally {
            System.clearProperty("spark.yarn.app.id");
            System.clearProperty("spark.submit.deployMode");
        }
    }

    /** A registry run holding the parent's model, made the serving one. */
    private static String servedCopyOfParent(Registry registry) throws Exception {
        String id = Registry.newRunId();
        Path dir = Path.of(registry.runDir(id));
        Files.createDirectories(dir);
        Files.copy(parent.resolve("model.lsm"), dir.resolve("model.lsm"));
        registry.promote(id, "test");
        return id;
    }

    @Test
    void aLaterYarnAttemptStartsFromTheEarlierAttemptsParentAndADecidedOneReadsNoModel() throws Exception {
        Path root = tmp.resolve("yarn-registry");
        Registry registry = new Registry(new Configuration(), root.toString());
        String a = servedCopyOfParent(registry);
        // What a lost first attempt leaves: its run claimed, from the model serving then.
        String lost = Registry.newRunId();
        registry.claim(lost, "application_5_0001", Map.of("init_from_current", a));
        String b = servedCopyOfParent(registry); // promoted meanwhile

        Outcome continued = currentAs("application_5_0001", root);
        assertTrue(continued.code() == 0 || continued.code() == 3, continued.err());
        assertTrue(continued.err().contains("continuing run " + lost), continued.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> parentOfLost = (Map<String, Object>)
                json(root.resolve("runs").resolve(lost).resolve("metrics.json")).get("parent");
        assertEquals(a, parentOfLost.get("registry_run"), "the earlier attempt's parent, not the serving " + b);

        // Decided by an earlier attempt: the exit code, and no model read (the serving one is damaged).
        String decided = Registry.newRunId();
        registry.claim(decided, "application_6_0001", Map.of("init_from_current", b));
        registry.setStatus(decided, "rejected", "test", Map.of());
        String serving = registry.current().orElseThrow();
        Files.write(
                Path.of(registry.modelFile(serving)), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Outcome again = currentAs("application_6_0001", root);
        assertEquals(3, again.code(), again.err());
        assertTrue(again.err().contains("was already rejected"), again.err());
        assertFalse(again.err().contains("error"), again.err());
    }
}
