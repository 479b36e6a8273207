package dev.lockstep.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.FloatBits;
import dev.lockstep.LockstepException;
import dev.lockstep.optim.OptimizerState;
import dev.lockstep.train.Checkpoint;
import dev.lockstep.train.EarlyStop;
import dev.lockstep.train.EpochSummary;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.step.Evaluation;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Version 3 keeps the best epoch's parameters; a version-2 file, which has none, still loads. */
class CheckpointVersionThreeTest {
    private static Checkpoint checkpoint(float[] best) {
        return new Checkpoint(
                "{\"seed\":1}",
                1,
                2,
                12,
                0.5,
                3.0,
                List.of(new EpochSummary(1, 10, 0.7, new Evaluation(2, 1.5, new long[] {3, 1, 0, 4}), 2.0, 100)),
                new float[] {1, 2, 3},
                new OptimizerState(12, Map.of("m", new float[] {1, 2, 3})),
                7,
                9,
                best);
    }

    @Test
    void theBestEpochsParametersRoundTripAndAVersionTwoFileStillLoads() {
        float[] best = {-0f, Float.MIN_VALUE, 4};
        byte[] data = CheckpointFile.encode(checkpoint(best));
        assertEquals(3, ByteBuffer.wrap(data, 8, 4).getInt());
        Checkpoint back = CheckpointFile.decode(data, "v3");
        assertArrayEquals(FloatBits.of(best), FloatBits.of(back.bestParameters()));
        assertEquals(7, back.epochCorrect());
        assertNull(CheckpointFile.decode(CheckpointFile.encode(checkpoint(null)), "none")
                .bestParameters());

        // Version 2 as it was written: version 3 without the last array (its 4-byte empty length), checksummed.
        byte[] v3 = CheckpointFile.encode(checkpoint(null));
        byte[] v2 = Arrays.copyOf(v3, v3.length - 8 - 4 + 8);
        ByteBuffer.wrap(v2, 8, 4).putInt(2);
        CRC32C crc = new CRC32C();
        crc.update(v2, 0, v2.length - 8);
        ByteBuffer.wrap(v2, v2.length - 8, 8).putLong(crc.getValue());
        Checkpoint two = CheckpointFile.decode(v2, "v2");
        assertNull(two.bestParameters());
        assertArrayEquals(FloatBits.of(new float[] {1, 2, 3}), FloatBits.of(two.parameters()));
        assertEquals(9, two.epochRows());

        // A version-2 file with a trailing array is damaged, not a version 3 file.
        byte[] relabelled = v3.clone();
        ByteBuffer.wrap(relabelled, 8, 4).putInt(2);
        CRC32C again = new CRC32C();
        again.update(relabelled, 0, relabelled.length - 8);
        ByteBuffer.wrap(relabelled, relabelled.length - 8, 8).putLong(again.getValue());
        assertThrows(LockstepException.class, () -> CheckpointFile.decode(relabelled, "v2+"));
    }

    @Test
    void aRunThatKeepsTheBestAllowsForItsParametersInItsLongestCheckpoint() {
        TrainConfig last = TrainConfig.builder().layers(new int[] {784, 32, 10}).build();
        TrainConfig best = TrainConfig.builder()
                .layers(new int[] {784, 32, 10})
                .earlyStop(EarlyStop.parse("patience=2"))
                .build();
        long params = last.architecture().parameterCount();
        assertEquals(CheckpointFile.maxLength(last), CheckpointFile.maxLength(best));
        byte[] full = CheckpointFile.encode(new Checkpoint(
                "{}",
                0,
                0,
                0,
                0,
                0,
                List.of(),
                new float[(int) params],
                last.optimizer().create((int) params).state(),
                0,
                0,
                new float[(int) params]));
        assertEquals(true, full.length <= CheckpointFile.maxLength(best), full.length + " bytes");
    }
}
