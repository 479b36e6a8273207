package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped after any checkpoint and resumed ends with exactly the model of a run never stopped. */
class CheckpointResumeTest {
    private static RowSource train;
    private static RowSource eval;
    @TempDir Path tmp;

    @BeforeAll
    static void data() {
        LabeledImages sample = TestData.sample();
        train = new InMemoryRows(sample.slice(0, 3000));
        eval = new InMemoryRows(sample.slice(9000, 10000));
    }

    private static TrainConfig config() {
        return TrainConfig.builder().layers(new int[] {784, 48, 10}).epochs(2).batchSize(100).seed(23).partitions(2).build();
    }

    @Test
    void resumingFromAnyCheckpointReproducesTheUninterruptedModel() {
        Checkpoints checkpoints = new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 100);
        TrainingResult straight = new Trainer(SharedSpark.context(), config(), List.of(new CheckpointListener(checkpoints, 5)))
                .fit(train, eval, "test");
        assertEquals(60, straight.steps());
        assertEquals(12, checkpoints.steps().size());

        // Mid-epoch, on an epoch boundary, just after it, and after the very last step.
        for (long step : new long[] {5, 30, 35, 60}) {
            Checkpoint c = CheckpointFile.read(new Configuration(), checkpoints.fileFor(step));
            assertEquals(step, c.globalStep());
            TrainingResult resumed = new Trainer(SharedSpark.context(), config(), List.of()).fit(train, eval, "test", Optional.of(c));
            assertArrayEquals(bits(straight.parameters()), bits(resumed.parameters()), "resumed after step " + step);
            assertEquals(straight.steps(), resumed.steps());
            assertEquals(straight.history().size(), resumed.history().size());
            for (int e = 0; e < straight.history().size(); e++) {
                assertEquals(straight.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), "epoch " + (e + 1));
                assertEquals(straight.history().get(e).eval().accuracy(), resumed.history().get(e).eval().accuracy());
            }
        }
    }

    @Test
    void retentionKeepsTheNewestAndLatestSkipsADamagedOne() throws Exception {
        Checkpoints checkpoints = new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 2);
        TrainConfig oneEpoch = TrainConfig.builder().layers(new int[] {784, 16, 10}).epochs(1).batchSize(100).seed(3).partitions(2).build();
        new Trainer(SharedSpark.context(), oneEpoch, List.of(new CheckpointListener(checkpoints, 10))).fit(train, eval, "test");
        assertEquals(List.of(30L, 20L), checkpoints.steps());

        Path newest = Path.of(checkpoints.fileFor(30));
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length - 100)); // as if cut off mid-write
        StringWriter warnings = new StringWriter();
        Checkpoint latest = checkpoints.latest(new PrintWriter(warnings, true)).orElseThrow();
        assertEquals(20, latest.globalStep());
        assertTrue(warnings.toString().contains("checksum mismatch"), warnings.toString());
    }

    @Test
    void refusesACheckpointFromOtherSettings() {
        Checkpoints checkpoints = new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 1);
        TrainConfig a = TrainConfig.builder().layers(new int[] {784, 16, 10}).epochs(1).batchSize(100).seed(3).partitions(2).build();
        new Trainer(SharedSpark.context(), a, List.of(new CheckpointListener(checkpoints, 30))).fit(train, eval, "test");
        Checkpoint c = checkpoints.latest(new PrintWriter(new StringWriter())).orElseThrow();
        TrainConfig b = TrainConfig.builder().layers(new int[] {784, 16, 10}).epochs(1).batchSize(100).seed(4).partitions(2).build();
        String msg = assertThrows(LockstepException.class,
                () -> new Trainer(SharedSpark.context(), b, List.of()).fit(train, eval, "test", Optional.of(c))).getMessage();
        assertTrue(msg.contains("other settings"), msg);
    }

    @Test
    void everyTruncationAndEveryFlippedByteIsRejected() {
        TrainConfig cfg = TrainConfig.builder().layers(new int[] {4, 3, 2}).build();
        Checkpoint c = new Checkpoint("{\"seed\":1}", 1, 2, 12, 0.5, 3.0,
                List.of(new EpochSummary(1, 10, 0.7, new Evaluation(2, 1.5, new long[] {3, 1, 0, 4}), 2.0, 100)),
                new float[] {1, -2, Float.MIN_VALUE, -0f, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23},
                new dev.lockstep.optim.OptimizerState(12, java.util.Map.of("m", new float[] {1, 2}, "v", new float[] {3, 4})));
        assertEquals(23, cfg.architecture().parameterCount());
        byte[] data = CheckpointFile.encode(c);
        Checkpoint back = CheckpointFile.decode(data, "ok");
        assertEquals(c.configFingerprint(), back.configFingerprint());
        assertArrayEquals(bits(c.parameters()), bits(back.parameters()));
        assertEquals(c.optimizer(), back.optimizer());
        assertEquals(3, back.history().get(0).eval().count(0, 0));
        for (int cut = 0; cut < data.length; cut++) {
            byte[] shorter = java.util.Arrays.copyOf(data, cut);
            assertThrows(LockstepException.class, () -> CheckpointFile.decode(shorter, "cut"), "cut at " + cut);
        }
        for (int i = 0; i < data.length; i++) {
            byte[] flipped = data.clone();
            flipped[i] ^= 0x10;
            assertThrows(LockstepException.class, () -> CheckpointFile.decode(flipped, "flipped"), "flipped byte " + i);
        }
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
