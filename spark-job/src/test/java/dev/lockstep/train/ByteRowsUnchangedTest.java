package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.model.InputScaling;
import dev.lockstep.train.rows.InMemoryRows;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Byte rows (images) train exactly the bits they trained before rows could be floats and scaling per feature: the
 * digests below were taken from the trainer as it was then, and must never change.
 */
class ByteRowsUnchangedTest {
    private static String digest(float[] parameters) {
        ByteBuffer b = ByteBuffer.allocate(4 * parameters.length);
        for (float p : parameters) b.putInt(Float.floatToRawIntBits(p));
        CRC32C crc = new CRC32C();
        crc.update(b.array());
        return String.format("%08x", crc.getValue());
    }

    private static TrainingResult fit(int augmentShift) {
        LabeledImages sample = TestData.sample();
        TrainConfig config = TrainConfig.builder()
                .layers(new int[] {784, 32, 10})
                .epochs(2)
                .batchSize(100)
                .partitions(3)
                .augmentShift(augmentShift)
                .seed(5)
                .build();
        return new Trainer(SharedSpark.context(), config, List.of())
                .fit(new InMemoryRows(sample.slice(0, 2000)), new InMemoryRows(sample.slice(9000, 9500)), "test");
    }

    @Test
    void byteRowsTrainTheSameBitsAsBefore() {
        TrainingResult plain = fit(0);
        TrainingResult shifted = fit(1);
        assertEquals("ec7147cd", digest(plain.parameters()));
        assertEquals("90afcd58", digest(shifted.parameters()), "with augmentation");
        assertSame(InputScaling.UNIT, plain.scaling());
        assertTrue(plain.model().isImage());
        assertTrue(plain.model().byteInput());
    }
}
