package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockstep.TestData;
import dev.lockstep.cli.CommandRun.Outcome;
import dev.lockstep.data.HeapBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings that cannot make a good model are refused before anything is read or written: one line, exit 2, and
 * whatever a previous run saved stays as it was.
 */
class TrainRefusalsTest {
    @TempDir
    Path tmp;

    private static final String DATA = TestData.sampleDir().toString();

    /**
     * Runs train with {@code extra} after --data and --out, and checks it is one usage error line; returns that line.
     */
    private static String refused(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", DATA, "--out", out.toString()));
        args.addAll(List.of(extra));
        Outcome o = run(args.toArray(String[]::new));
        assertEquals(Main.EXIT_USAGE, o.code(), args + "\n" + o.err());
        assertEquals(List.of(o.err().strip()), o.errorLines(), "one line and nothing else: " + o.err());
        return o.errorLines().get(0);
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    @Test
    void zeroOrNegativeEpochsLeaveTheSavedModelAsItWas() throws Exception {
        Path out = tmp.resolve("run");
        Outcome trained = run(
                "train",
                "--data",
                DATA,
                "--out",
                out.toString(),
                "--layers",
                "784,16,10",
                "--epochs",
                "1",
                "--batch",
                "300",
                "--partitions",
                "2",
                "--no-report");
        assertEquals(0, trained.code(), trained.err());
        Map<String, String> before = contents(out);
        assertTrue(before.containsKey("model.lsm"), before.keySet().toString());

        assertEquals(
                "lockstep: error: bad value '0' for --epochs (from --epochs): expected a whole number of epochs, 1 "
                        + "or more",
                refused(out, "--layers", "784,16,10", "--epochs", "0"));
        assertEquals(
                "lockstep: error: bad value '-1' for --epochs (from --epochs): expected a whole number of epochs, 1 "
                        + "or more",
                refused(out, "--layers", "784,16,10", "--epochs", "-1"));
        assertEquals(before, contents(out), "the model and everything beside it are unchanged");

        Path registry = tmp.resolve("registry");
        Outcome o = run("train", "--data", DATA, "--registry", registry.toString(), "--epochs", "0");
        assertEquals(Main.EXIT_USAGE, o.code(), o.err());
        assertFalse(Files.exists(registry), "no run was begun in the registry");
    }

    @Test
    void numbersOutsideTheirRangeAreRefusedWhereTheyAreRead() {
        Path out = tmp.resolve("never");
        String[][] cases = {
            {"--batch", "0", "auto or a whole number, 1 or more"},
            {"--partitions", "0", "a whole number of partitions, 1 or more"},
            {"--partitions-per-task", "0", "auto or a whole number, 1 or more"},
            {"--checkpoint-every", "0", "a whole number of steps, 1 or more"},
            {"--validation-fraction", "0", "a fraction above 0 and at most 0.5"},
            {"--validation-fraction", "0.9", "a fraction above 0 and at most 0.5"},
            {"--validation-fraction", "NaN", "a fraction above 0 and at most 0.5"},
            {"--lr", "0", "auto or a number > 0"},
            {"--lr", "-0.1", "auto or a number > 0"},
            {"--lr", "NaN", "auto or a number > 0"},
            {"--lr", "Infinity", "auto or a number > 0"},
            {"--weight-decay", "-1e-4", "a number >= 0"},
            {"--weight-decay", "Infinity", "a number >= 0"},
            {"--augment-shift", "5", "auto or 0 to 4 pixels"},
            {"--augment-shift", "-1", "auto or 0 to 4 pixels"},
            {"--tolerance", "-0.1", "a fraction from 0 to 1"},
            {"--tolerance", "NaN", "a fraction from 0 to 1"},
            {"--keep", "0", "a whole number of runs, 1 or more"},
            {"--resume", "yes", "true or false"},
            {"--checkpoint-dir", "", "a directory"},
        };
        for (String[] c : cases) {
            assertEquals(
                    "lockstep: error: bad value '" + c[1] + "' for " + c[0] + " (from " + c[0] + "): expected " + c[2],
                    refused(out, c[0], c[1]));
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void layersAModelFileCannotHoldAreRefusedBeforeTraining() {
        Path out = tmp.resolve("never");
        assertEquals(
                "lockstep: error: bad value '784,30000,30000,10' for --layers (from --layers): 923,880,010 parameters "
                        + "(3,525 MB of float32); a model file holds at most 268,435,456 (1,024 MB)",
                refused(out, "--layers", "784,30000,30000,10"));
        String deep = "784," + "2,".repeat(63) + "10";
        assertEquals(
                "lockstep: error: bad value '" + deep
                        + "' for --layers (from --layers): 65 layer sizes; a model file holds 2 to 64",
                refused(out, "--layers", deep));
        assertTrue(refused(out, "--layers", "784,70000,10").endsWith("layer size 70000 is out of range 1..65536"));
        assertFalse(Files.exists(out));
    }

    @Test
    void aNetworkTheDriverHeapCannotHoldIsRefusedUpFront() {
        // 236,940,010 parameters: within the model file's limit, and 6 float32 copies of them alone (parameters, Adam's
        // two buffers, gradient, both ways on the wire) are 5.3 GiB, beyond the test JVM's heap.
        long heap = Runtime.getRuntime().maxMemory();
        assumeTrue(heap < 5L << 30, "the test JVM's heap holds even this network: " + heap);
        Path out = tmp.resolve("never");
        String line = refused(out, "--layers", "784,15000,15000,10", "--master", "local[2]");
        assertEquals(
                "lockstep: error: --layers 784,15000,15000,10 has 236,940,010 parameters (904 MB a copy): training "
                        + "holds "
                        + "at least 12 copies on the driver (parameters, adam state, gradient, parameters and a "
                        + "gradient on the wire, "
                        + "the networks of 2 local task threads), 10,847 MB, but its heap is "
                        + HeapBudget.mb(heap)
                        + "; use smaller layers, or raise the driver's heap with LOCKSTEP_DRIVER_MEMORY "
                        + "(spark-submit: --driver-memory)",
                line);
        assertFalse(Files.exists(out), "refused before anything was written");
    }

    @Test
    void layersThatDoNotFitTheDataAreAUsageError() {
        Path out = tmp.resolve("never");
        assertEquals(
                "lockstep: error: the training data has 784 features per row (28x28) but --layers starts with 100",
                refused(out, "--layers", "100,10"));
        assertEquals(
                "lockstep: error: the training data has label 9 but --layers ends with 5 classes",
                refused(out, "--layers", "784,5"));
        assertFalse(Files.exists(out));
    }

    @Test
    void noTrainingDataIsAUsageError() {
        Path out = tmp.resolve("never");
        Outcome o = run("train", "--out", out.toString());
        assertEquals(Main.EXIT_USAGE, o.code(), o.err());
        assertEquals(
                List.of("lockstep: error: no training data given: use --data DIR or --train PATH"), o.errorLines());
        assertFalse(Files.exists(out));
    }

    @Test
    void keepingRunsWithoutARegistryIsRefusedAsAFlagOnly() {
        Path out = tmp.resolve("never");
        String line = refused(out, "--keep", "5");
        assertTrue(line.startsWith("lockstep: error: --keep 5 is how many runs of --registry to keep"), line);
        assertTrue(line.contains("--keep best|last"), line);
        assertTrue(refused(out, "--keep", "last", "--keep", "5").contains("--keep 5 is how many runs"));
        assertFalse(Files.exists(out));

        // A conf file may set keepRuns for every run: without a registry it is not a refusal (the batch is, later).
        System.setProperty("spark.lockstep.keepRuns", "5");
        try {
            assertTrue(refused(out, "--batch", "1000000").contains("--batch 1000000 is larger than"));
        } finally {
            System.clearProperty("spark.lockstep.keepRuns");
        }
        assertFalse(Files.exists(out));
    }
}
