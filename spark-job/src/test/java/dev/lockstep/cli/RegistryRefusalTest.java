package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.Registry;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry commands refuse what would make the registry serve something that is not one of its complete models,
 * with one error line and the README's exit code, and change nothing when they do; a damaged run is a warning.
 */
class RegistryRefusalTest {
    private static final Configuration CONF = new Configuration();
    private static final String A = "20261120-020000-000-aaaa";
    private static final String B = "20261121-020000-000-bbbb";
    private static final String C = "20261122-020000-000-cccc";

    @TempDir
    Path tmp;

    private Path root;
    private Registry registry;

    /** A serving B, which replaced A; C rejected. */
    @BeforeEach
    void registry() {
        root = tmp.resolve("registry");
        registry = new Registry(CONF, root.toString());
        Architecture arch = new Architecture(new int[] {4, 3, 2}, Activation.TANH);
        MlpModel model = new MlpModel(arch, new float[arch.parameterCount()]);
        for (String id : List.of(A, B, C)) ModelFile.write(CONF, registry.modelFile(id), model);
        registry.setStatus(A, "promoted", "first", Map.of("candidate_accuracy", 0.9));
        registry.promote(A, "first");
        registry.setStatus(B, "promoted", "better", Map.of("candidate_accuracy", 0.95));
        registry.promote(B, "better");
        registry.setStatus(C, "rejected", "worse", Map.of("candidate_accuracy", 0.5));
    }

    private CommandRun.Outcome registryCommand(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--registry";
        all[args.length + 1] = root.toString();
        return CommandRun.run(all);
    }

    private Map<String, byte[]> snapshot() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList())
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
        return files;
    }

    private void assertUnchanged(Map<String, byte[]> before) throws Exception {
        Map<String, byte[]> after = snapshot();
        assertEquals(before.keySet(), after.keySet());
        for (String f : before.keySet()) assertArrayEquals(before.get(f), after.get(f), f);
    }

    /** Exactly one error line, containing every one of {@code parts}, and no stack-trace hint. */
    private static void assertOneLine(CommandRun.Outcome o, int code, String... parts) {
        assertEquals(code, o.code(), o.err());
        assertEquals(1, o.errorLines().size(), o.err());
        String line = o.errorLines().get(0);
        for (String part : parts) assertTrue(line.contains(part), line);
        assertFalse(line.contains("LOCKSTEP_DEBUG") || line.contains("Exception"), line);
    }

    @Test
    void rollbackToARunWhoseModelIsDamagedOrGoneFailsAndLeavesCurrentAsItWas() throws Exception {
        Path modelA = Path.of(registry.modelFile(A));
        byte[] model = Files.readAllBytes(modelA);
        model[model.length / 2] ^= 1;
        Files.write(modelA, model);
        Map<String, byte[]> before = snapshot();
        assertOneLine(
                registryCommand("registry", "rollback"),
                Main.EXIT_FAILURE,
                "cannot roll back to run " + A,
                "checksum",
                "current.json is unchanged");
        assertUnchanged(before);

        Files.delete(modelA);
        before = snapshot();
        assertOneLine(
                registryCommand("registry", "rollback"),
                Main.EXIT_FAILURE,
                "cannot roll back to run " + A,
                "does not exist");
        assertUnchanged(before);

        try (Stream<Path> all = Files.walk(modelA.getParent())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        before = snapshot();
        assertOneLine(
                registryCommand("registry", "rollback"), Main.EXIT_FAILURE, "cannot roll back to run " + A, "is gone");
        assertUnchanged(before);
        assertEquals(B, registry.current().orElseThrow());
    }

    @Test
    void promotingARunWhoseModelDoesNotLoadFailsAndLeavesCurrentAsItWas() throws Exception {
        Files.write(Path.of(registry.modelFile(C)), new byte[] {'L', 'S', 'M'});
        Map<String, byte[]> before = snapshot();
        assertOneLine(
                registryCommand("registry", "promote", C),
                Main.EXIT_FAILURE,
                "cannot promote run " + C,
                "current.json is unchanged");
        assertUnchanged(before);
        assertEquals(B, registry.current().orElseThrow());
    }

    @Test
    void runIdsOnTheCommandLineAreRunIdsNotPaths() throws Exception {
        Map<String, byte[]> before = snapshot();
        for (String bad : List.of("..", "../../tmp", "/", ":", "", "runs/" + A, A + "/..")) {
            assertOneLine(registryCommand("registry", "promote", bad), Main.EXIT_USAGE, "RUN must be a run id such as");
            assertOneLine(registryCommand("registry", "show", bad), Main.EXIT_USAGE, "RUN must be a run id such as");
        }
        assertOneLine(
                registryCommand("registry", "promote", "20261123-020000-000-dddd"),
                Main.EXIT_FAILURE,
                "no run 20261123-020000-000-dddd");
        assertUnchanged(before);
    }

    @Test
    void aPointerNamingSomethingOutsideTheRegistryIsRefused() throws Exception {
        Path pointer = root.resolve("current.json");
        Files.writeString(pointer, "{\"current\": \"" + B + "\", \"previous\": [\"../../tmp\"]}\n");
        Map<String, byte[]> before = snapshot();
        assertOneLine(
                registryCommand("registry", "rollback"),
                Main.EXIT_FAILURE,
                pointer.toString(),
                "'../../tmp' is not a run id");
        assertUnchanged(before);
        Files.writeString(pointer, "{\"current\": \"..\", \"previous\": [\"" + A + "\"]}\n");
        before = snapshot();
        for (String[] command : List.of(
                new String[] {"registry", "show", "current"},
                new String[] {"registry", "list"},
                new String[] {"registry", "rollback"},
                new String[] {"registry", "promote", C},
                new String[] {"report"})) {
            assertOneLine(registryCommand(command), Main.EXIT_FAILURE, pointer.toString(), "'..' is not a run id");
        }
        assertUnchanged(before);
    }

    @Test
    void aRunWithAGarbageStatusIsAWarningAndTheOthersStillWork() throws Exception {
        Path status = root.resolve("runs").resolve(C).resolve("status.json");
        Files.writeString(status, "{\"status\": [\"rejected\"], \"reason\": 7}");
        Files.createDirectories(root.resolve("runs").resolve("..backup"));
        Files.createDirectories(root.resolve("runs").resolve("x\u001b[2Jy")); // a name that would clear the screen

        CommandRun.Outcome list = registryCommand("registry", "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("* " + B) && list.out().contains(A), list.out());
        assertFalse(list.out().contains(C), list.out());
        assertTrue(
                list.err().contains("[lockstep] warning: skipping run " + C + ": " + status + ": \"status\" is"),
                list.err());
        assertTrue(list.err().contains("..backup: not a run directory"), list.err());
        assertTrue(
                list.err().contains("x\\x1b[2Jy: not a run directory")
                        && !list.err().contains("\u001b"),
                list.err());

        CommandRun.Outcome report = registryCommand("report");
        assertEquals(0, report.code(), report.err());
        assertTrue(report.err().contains("[lockstep] warning: skipping run " + C), report.err());
        assertTrue(Files.readString(root.resolve("report.html")).contains(A + "</td><td>promoted"));

        CommandRun.Outcome show = registryCommand("registry", "show", C);
        assertOneLine(show, Main.EXIT_FAILURE, status.toString(), "\"status\" is");

        CommandRun.Outcome prune = registryCommand("registry", "prune", "--keep", "1");
        assertEquals(0, prune.code(), prune.err());
        assertTrue(Files.exists(status), "a damaged run is left for an operator, not pruned");

        CommandRun.Outcome back = registryCommand("registry", "rollback");
        assertEquals(0, back.code(), back.err());
        assertEquals(A, registry.current().orElseThrow());
    }

    @Test
    void pruneLeavesARunStillTrainingElsewhere() throws Exception {
        // Another host's run, started before the others and still writing checkpoints, with no outcome yet.
        String training = "20261119-000000-000-0001";
        Path checkpoints =
                Files.createDirectories(Path.of(registry.runDir(training)).resolve("checkpoints"));
        Files.writeString(checkpoints.resolve("step-10.ckpt"), "x");
        CommandRun.Outcome prune = registryCommand("registry", "prune", "--keep", "1");
        assertEquals(0, prune.code(), prune.err());
        assertTrue(prune.err().contains("removed nothing"), prune.err());
        assertEquals(
                List.of(training, A, B, C),
                registry.runs(),
                "the unfinished run, the rollback target, the current and the newest");

        assertOneLine(
                registryCommand("registry", "prune", "--keep", "1", "--grace", "soon"),
                Main.EXIT_USAGE,
                "--grace",
                "24h");
        assertEquals(
                Main.EXIT_USAGE,
                registryCommand("registry", "prune", "--keep", "1", "--grace", "12")
                        .code());
        assertEquals(List.of(training, A, B, C), registry.runs());

        CommandRun.Outcome none = registryCommand("registry", "prune", "--keep", "1", "--grace", "0");
        assertEquals(0, none.code(), none.err());
        assertTrue(none.err().contains("removed " + training), none.err());
        assertEquals(List.of(A, B, C), registry.runs());
    }

    @Test
    void theGraceOptionTakesUnitsAndDefaultsToTheRegistrysGrace() {
        RegistryCommand.GraceConverter c = new RegistryCommand.GraceConverter();
        assertEquals(Registry.PRUNE_GRACE, c.convert(RegistryCommand.Prune.DEFAULT_GRACE));
        assertEquals(Duration.ofMinutes(90), c.convert("90m"));
        assertEquals(Duration.ofDays(7), c.convert("7d"));
        assertEquals(Duration.ofSeconds(600), c.convert("600s"));
        assertEquals(Duration.ZERO, c.convert("0"));
    }
}
