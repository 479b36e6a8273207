package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.timing.StepTime;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {
    @Test
    void linesModeWritesPlainLinesOnly() {
        String out = drive(ProgressListener.Mode.LINES);
        assertFalse(out.contains("\r"), out);
        assertFalse(out.contains("\u001b"), out);
        assertTrue(out.contains("[lockstep] epoch 1/2  step 5/10"), out);
        assertTrue(out.contains("examples/s  ETA "), out);
        assertTrue(out.contains("[lockstep] epoch 2/2  train_loss"), out);
        for (String line : out.split("\n")) assertTrue(line.startsWith("[lockstep] "), line);
    }

    @Test
    void barModeRedrawsInPlaceAndClearsBeforeTheEpochLine() {
        String out = drive(ProgressListener.Mode.BAR);
        assertTrue(out.contains("\r[lockstep] epoch 1/2 ["), out);
        assertTrue(out.contains("ETA "), out);
        // The summary line starts on a cleared line, and exactly one line per epoch plus the start line end in \n.
        assertTrue(out.contains("\r[lockstep] epoch 1/2  train_loss"), out);
        assertEquals(3, out.chars().filter(c -> c == '\n').count(), out);
    }

    private static String drive(ProgressListener.Mode mode) {
        StringWriter buf = new StringWriter();
        ProgressListener p = new ProgressListener(new PrintWriter(buf), mode, 0);
        TrainConfig config = TrainConfig.builder()
                .layers(new int[] {4, 3, 2})
                .epochs(2)
                .batchSize(8)
                .build();
        p.onStart(new TrainingListener.RunInfo(config, 80, 20, "test", 2, 1, TaskLifetime.STEP, null, 10, 0));
        StepTime t = StepTime.NONE
                .with(StepTime.Part.SHIP, 1)
                .with(StepTime.Part.JOB, 2)
                .with(StepTime.Part.COMPUTE, 1)
                .with(StepTime.Part.UPDATE, 1)
                .with(StepTime.Part.TOTAL, 5_000_000);
        long global = 0;
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (int step = 1; step <= 10; step++) {
                p.onStep(new TrainingListener.StepInfo(epoch, step, ++global, 10, 0.5, 1e-3, t, null));
            }
            p.onEpoch(new EpochSummary(epoch, global, 0.5, new Evaluation(2, 1.0, new long[] {5, 5, 5, 5}), 1.0, 80));
        }
        return buf.toString();
    }
}
