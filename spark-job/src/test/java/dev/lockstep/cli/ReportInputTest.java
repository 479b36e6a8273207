package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory whose metrics.json is malformed gets one line naming the file and the field, not a
 * ClassCastException.
 */
class ReportInputTest {
    @TempDir
    Path tmp;

    private CommandRun.Outcome reportWithConfusion(String matrix) throws Exception {
        Path run = tmp.resolve("run");
        Architecture arch = new Architecture(new int[] {4, 3, 2}, Activation.TANH);
        ModelFile.write(
                new Configuration(),
                run.resolve("model.lsm").toString(),
                new MlpModel(arch, new float[arch.parameterCount()]));
        Files.writeString(
                run.resolve("metrics.json"), "{\"test_accuracy\": 0.5, \"confusion_matrix\": " + matrix + "}");
        return CommandRun.run("report", "--run", run.toString());
    }

    @Test
    void aMalformedConfusionMatrixIsOneLineNamingTheFileAndTheCell() throws Exception {
        String file = tmp.resolve("run").resolve("metrics.json").toString();
        List<List<String>> cases = List.of(
                List.of("[[1, \"3\"], [0, 4]]", "confusion_matrix[0][1] is \"3\", not a count"),
                List.of("[[1, 2], [0, -4]]", "confusion_matrix[1][1] is -4, not a count"),
                List.of("[[1, 2.5], [0, 4]]", "confusion_matrix[0][1] is 2.5, not a count"),
                List.of("[[1, 2], [0, null]]", "confusion_matrix[1][1] is null, not a count"),
                List.of("[[1, 2], \"row\"]", "confusion_matrix is not square: row 1"),
                List.of("[[1, 2, 3], [0, 4, 5], [0, 0, 1]]", "confusion_matrix has 3 rows but the model has 2 classes"),
                List.of("\"none\"", "has no confusion_matrix"));
        for (List<String> c : cases) {
            CommandRun.Outcome o = reportWithConfusion(c.get(0));
            assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
            assertEquals(1, o.errorLines().size(), o.err());
            String line = o.errorLines().get(0);
            assertTrue(line.contains(file) && line.contains(c.get(1)), c.get(0) + " -> " + line);
            assertFalse(line.contains("Exception") || line.contains("LOCKSTEP_DEBUG"), line);
            assertFalse(Files.exists(tmp.resolve("run").resolve("report.html")));
        }
    }

    @Test
    void aRunWithoutEvaluationRowsIsReportedWithoutScores() throws Exception {
        CommandRun.Outcome o = reportWithConfusion("null, \"eval_rows\": 0");
        assertEquals(0, o.code(), o.err());
        Path pngs = tmp.resolve("run").resolve("report");
        assertTrue(Files.exists(pngs.resolve("loss.png")));
        assertFalse(Files.exists(pngs.resolve("confusion.png")));
        assertTrue(Files.exists(pngs.resolve("weights.png")), "a 2x2 image model still shows its weights");
        assertTrue(o.err().contains("no digit grids: the run had no evaluation rows"), o.err());
        assertTrue(Files.readString(tmp.resolve("run").resolve("report.html")).contains("no evaluation rows"));
    }
}
