package dev.lockstep.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.LockstepException;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.optim.OptimizerState;
import dev.lockstep.train.Checkpoint;
import dev.lockstep.train.EpochSummary;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingListener;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.rows.RowSource;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.timing.StepTimeMedians;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped after any checkpoint and resumed ends with exactly the model of a run never stopped. */
class CheckpointResumeTest {
    private static RowSource train;
    private static RowSource eval;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        LabeledImages sample = TestData.sample();
        train = new InMemoryRows(sample.slice(0, 3000));
        eval = new InMemoryRows(sample.slice(9000, 10000));
    }

    private static TrainConfig config() {
        return TrainConfig.builder()
                .layers(new int[] {784, 48, 10})
                .epochs(2)
                .batchSize(100)
                .seed(23)
                .partitions(2)
                .build();
    }

    @Test
    void resumingFromAnyCheckpointReproducesTheUninterruptedModel() {
        Checkpoints checkpoints =
                new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 100);
        TrainingResult straight = new Trainer(
                        SharedSpark.context(), config(), List.of(new CheckpointListener(checkpoints, 5)))
                .fit(train, eval, "test");
        assertEquals(60, straight.steps());
        assertEquals(12, checkpoints.steps().size());

        // Mid-epoch, on an epoch boundary, just after it, and after the very last step.
        for (long step : new long[] {5, 30, 35, 60}) {
            Checkpoint c = CheckpointFile.read(new Configuration(), checkpoints.fileFor(step));
            assertEquals(step, c.globalStep());
            TrainingResult resumed =
                    new Trainer(SharedSpark.context(), config(), List.of()).fit(train, eval, "test", Optional.of(c));
            assertArrayEquals(
                    FloatBits.of(straight.parameters()),
                    FloatBits.of(resumed.parameters()),
                    "resumed after step " + step);
            assertEquals(straight.steps(), resumed.steps());
            assertEquals(straight.history().size(), resumed.history().size());
            for (int e = 0; e < straight.history().size(); e++) {
                assertEquals(
                        straight.history().get(e).trainLoss(),
                        resumed.history().get(e).trainLoss(),
                        "epoch " + (e + 1));
                assertEquals(
                        straight.history().get(e).eval().accuracy(),
                        resumed.history().get(e).eval().accuracy());
            }
            // Throughput counts the steps this process ran, not the whole epoch: 30 steps of 100 rows per epoch.
            int resumedEpoch = (int) (step / 30);
            for (int e = resumedEpoch; e < resumed.history().size(); e++) {
                EpochSummary s = resumed.history().get(e);
                double examples = (e == resumedEpoch ? 30 - step % 30 : 30) * 100.0;
                assertEquals(
                        examples,
                        s.examplesPerSecond() * s.seconds(),
                        1e-6 * examples,
                        "epoch " + (e + 1) + " resumed after step " + step);
            }
        }
    }

    @Test
    void retentionKeepsTheNewestAndLatestSkipsADamagedOne() throws Exception {
        Checkpoints checkpoints =
                new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 2);
        TrainConfig oneEpoch = oneEpoch(3);
        new Trainer(SharedSpark.context(), oneEpoch, List.of(new CheckpointListener(checkpoints, 10)))
                .fit(train, eval, "test");
        assertEquals(List.of(30L, 20L), checkpoints.steps());

        Path newest = Path.of(checkpoints.fileFor(30));
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(bytes, bytes.length - 100)); // as if cut off mid-write
        StringWriter warnings = new StringWriter();
        Checkpoint latest = checkpoints.latest(new PrintWriter(warnings, true)).orElseThrow();
        assertEquals(20, latest.globalStep());
        assertEquals(
                "[lockstep] warning: skipping checkpoint " + checkpoints.fileFor(30)
                        + ": checksum mismatch (incomplete or corrupt)",
                warnings.toString().strip());
    }

    /**
     * A file named like the newest checkpoint but longer than the format holds (2 GiB, sparse: no disk), or than
     * a checkpoint of this run can be, is skipped with a warning before anything is allocated for it; the run
     * resumes from the newest intact one and ends with the uninterrupted run's model.
     */
    @Test
    void filesTooLongForTheFormatOrTheRunAreSkippedAndResumeUsesTheNewestIntactOne() throws Exception {
        Checkpoints checkpoints =
                new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 100);
        TrainingResult straight = new Trainer(
                        SharedSpark.context(), config(), List.of(new CheckpointListener(checkpoints, 20)))
                .fit(train, eval, "test");
        assertEquals(List.of(60L, 40L, 20L), checkpoints.steps());
        sparse(checkpoints.fileFor(60), 1L << 31);
        sparse(checkpoints.fileFor(40), 64L << 20);
        assertTrue(
                CheckpointFile.maxLength(config()) < 64L << 20, "a 64 MiB file is too long for this run's checkpoints");

        StringWriter warnings = new StringWriter();
        Checkpoint c =
                checkpoints.latest(config(), new PrintWriter(warnings, true)).orElseThrow();
        assertEquals(20, c.globalStep());
        List<String> lines = warnings.toString().lines().toList();
        assertEquals(2, lines.size(), warnings.toString());
        assertEquals(
                "[lockstep] warning: skipping checkpoint " + checkpoints.fileFor(60)
                        + ": 2,147,483,648 bytes, more than a "
                        + "checkpoint of this run's model and settings can be (at most "
                        + String.format(Locale.ROOT, "%,d", CheckpointFile.maxLength(config())) + ")",
                lines.get(0));
        assertTrue(
                lines.get(1)
                        .startsWith("[lockstep] warning: skipping checkpoint " + checkpoints.fileFor(40)
                                + ": 67,108,864 bytes, more than"),
                lines.get(1));

        TrainingResult resumed =
                new Trainer(SharedSpark.context(), config(), List.of()).fit(train, eval, "test", Optional.of(c));
        assertArrayEquals(FloatBits.of(straight.parameters()), FloatBits.of(resumed.parameters()));

        // Without a run to measure against, the format's own limit still holds: 2 GiB is no checkpoint of any run.
        StringWriter any = new StringWriter();
        assertEquals(
                20, checkpoints.latest(new PrintWriter(any, true)).orElseThrow().globalStep());
        assertTrue(
                any.toString()
                        .startsWith("[lockstep] warning: skipping checkpoint " + checkpoints.fileFor(60)
                                + ": 2,147,483,648 bytes, more than a checkpoint can be"),
                any.toString());
        assertTrue(any.toString().contains("skipping checkpoint " + checkpoints.fileFor(40) + ": "), any.toString());
    }

    /** A file of {@code length} zero bytes that takes no disk. */
    private static void sparse(String file, long length) throws Exception {
        Files.delete(Path.of(file));
        try (RandomAccessFile f = new RandomAccessFile(file, "rw")) {
            f.setLength(length);
        }
    }

    @Test
    void aFreshRunReplacesOtherRunsCheckpointsOnlyOnceItsFirstIsWritten() throws Exception {
        Checkpoints checkpoints =
                new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 3);
        TrainConfig oneEpoch = oneEpoch(3);
        Files.createDirectories(tmp.resolve("ckpt"));
        Path older =
                Path.of(checkpoints.fileFor(9999)); // a longer run's: it would outrank every checkpoint of this one
        Files.writeString(older, "another run's");

        CheckpointListener listener = new CheckpointListener(checkpoints, 10, true);
        new Trainer(SharedSpark.context(), oneEpoch, List.of(new TrainingListener() {
                    @Override
                    public void onStep(StepInfo step) {
                        if (step.globalStep() < 10)
                            assertTrue(
                                    Files.exists(older),
                                    "still there before the first checkpoint, at step " + step.globalStep());
                        listener.onStep(step);
                    }
                }))
                .fit(train, eval, "test");
        assertEquals(List.of(30L, 20L, 10L), checkpoints.steps());
    }

    @Test
    void refusesACheckpointFromOtherSettings() {
        Checkpoints checkpoints =
                new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 1);
        TrainConfig a = oneEpoch(3);
        new Trainer(SharedSpark.context(), a, List.of(new CheckpointListener(checkpoints, 30)))
                .fit(train, eval, "test");
        Checkpoint c = checkpoints.latest(new PrintWriter(new StringWriter())).orElseThrow();
        TrainConfig b = oneEpoch(4);
        String msg = assertThrows(
                        LockstepException.class,
                        () -> new Trainer(SharedSpark.context(), b, List.of()).fit(train, eval, "test", Optional.of(c)))
                .getMessage();
        assertTrue(msg.contains("other settings"), msg);

        // Same settings, other rows: resuming would mix two datasets into one model.
        RowSource otherRows = new InMemoryRows(TestData.sample().slice(3000, 6000));
        String data = assertThrows(
                        LockstepException.class,
                        () -> new Trainer(SharedSpark.context(), a, List.of())
                                .fit(otherRows, eval, "test", Optional.of(c)))
                .getMessage();
        assertTrue(data.contains("other settings or data"), data);
    }

    @Test
    void everyTruncationAndEveryFlippedByteIsRejected() {
        TrainConfig cfg = TrainConfig.builder().layers(new int[] {4, 3, 2}).build();
        Checkpoint c = new Checkpoint(
                "{\"seed\":1}",
                1,
                2,
                12,
                0.5,
                3.0,
                List.of(new EpochSummary(1, 10, 0.7, new Evaluation(2, 1.5, new long[] {3, 1, 0, 4}), 2.0, 100)),
                new float[] {
                    1, -2, Float.MIN_VALUE, -0f, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23
                },
                new OptimizerState(12, Map.of("m", new float[] {1, 2}, "v", new float[] {3, 4})));
        assertEquals(23, cfg.architecture().parameterCount());
        byte[] data = CheckpointFile.encode(c);
        Checkpoint back = CheckpointFile.decode(data, "ok");
        assertEquals(c.configFingerprint(), back.configFingerprint());
        assertArrayEquals(FloatBits.of(c.parameters()), FloatBits.of(back.parameters()));
        assertEquals(c.optimizer(), back.optimizer());
        assertEquals(3, back.history().get(0).eval().count(0, 0));
        Checkpoint unevaluated = new Checkpoint(
                "{\"seed\":1}",
                1,
                2,
                12,
                0.5,
                3.0,
                List.of(new EpochSummary(1, 10, 0.7, null, 2.0, 100)),
                c.parameters(),
                c.optimizer());
        assertEquals(
                null,
                CheckpointFile.decode(CheckpointFile.encode(unevaluated), "none")
                        .history()
                        .get(0)
                        .eval(),
                "a fit without evaluation rows checkpoints its epochs without an evaluation");
        for (int cut = 0; cut < data.length; cut++) {
            byte[] shorter = Arrays.copyOf(data, cut);
            assertThrows(LockstepException.class, () -> CheckpointFile.decode(shorter, "cut"), "cut at " + cut);
        }
        for (int i = 0; i < data.length; i++) {
            byte[] flipped = data.clone();
            flipped[i] ^= 0x10;
            assertThrows(LockstepException.class, () -> CheckpointFile.decode(flipped, "flipped"), "flipped byte " + i);
        }
    }

    /** A version-2 file keeps the new fields; a version-1 file, as older Lockstep wrote it, still loads. */
    @Test
    void versionTwoKeepsEpochMetricsAndVersionOneStillLoads() throws Exception {
        StepTimeMedians times = StepTimeMedians.reported(10, new double[] {20.5, 1, 2, 3, 4, 5, 6});
        Evaluation eval = new Evaluation(2, 1.5, new long[] {3, 1, 0, 4});
        Checkpoint c = new Checkpoint(
                "{\"seed\":1}",
                1,
                2,
                12,
                0.5,
                3.0,
                List.of(new EpochSummary(1, 10, 0.7, eval, 2.0, 100, 0.875, 1e-3, times)),
                new float[] {1, 2},
                new OptimizerState(12, Map.of()),
                77,
                96,
                null);
        Checkpoint back = CheckpointFile.decode(CheckpointFile.encode(c), "v2");
        assertEquals(77, back.epochCorrect());
        assertEquals(96, back.epochRows());
        assertEquals(
                c.history(),
                back.history().stream()
                        .map(e -> new EpochSummary(
                                e.epoch(),
                                e.steps(),
                                e.trainLoss(),
                                eval,
                                e.seconds(),
                                e.examplesPerSecond(),
                                e.trainAccuracy(),
                                e.learningRate(),
                                e.stepTimes()))
                        .toList());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("LKSTPCKP".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(1);
        byte[] fp = "{}".getBytes(StandardCharsets.UTF_8);
        out.writeInt(fp.length);
        out.write(fp);
        out.writeInt(1); // epoch
        out.writeInt(2); // next step
        out.writeLong(12); // global step
        out.writeDouble(0.5); // epoch loss sum
        out.writeDouble(3.0); // train seconds
        out.writeInt(1); // history: one epoch
        out.writeInt(1);
        out.writeLong(10);
        out.writeDouble(0.7);
        out.writeDouble(2.0);
        out.writeDouble(100);
        out.writeInt(2);
        out.writeDouble(1.5);
        out.writeInt(4);
        for (long v : new long[] {3, 1, 0, 4}) out.writeLong(v);
        out.writeInt(2); // parameters
        out.writeFloat(1);
        out.writeFloat(2);
        out.writeLong(12); // optimizer step
        out.writeInt(0); // no buffers
        out.flush();
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        Checkpoint v1 = CheckpointFile.decode(bytes.toByteArray(), "v1");
        assertEquals(12, v1.globalStep());
        assertEquals(0, v1.epochRows());
        EpochSummary e = v1.history().get(0);
        assertEquals(0.7, e.trainLoss());
        assertEquals(7.0 / 8, e.eval().accuracy());
        assertTrue(Double.isNaN(e.trainAccuracy()));
        assertEquals(0, e.stepTimes().steps());
    }

    /** One epoch of a small network on the test rows, 2 partitions: quick to train and to checkpoint. */
    private static TrainConfig oneEpoch(long seed) {
        return TrainConfig.builder()
                .layers(new int[] {784, 16, 10})
                .epochs(1)
                .batchSize(100)
                .seed(seed)
                .partitions(2)
                .build();
    }
}
