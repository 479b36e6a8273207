package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.nn.Activation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code model/v2-small.lsm} (float input, not an image, per-feature scaling) and {@code model/v2-image.lsm} (a 2x2
 * byte image, uniform scaling) were written once by format version 2 and are committed. Never regenerate them: they
 * prove that every later Lockstep still loads version-2 files, and that the writer produces version 2 byte for byte.
 */
class GoldenV2FileTest {
    /** The exact contents, spelled out so they cannot drift with test helpers. */
    private static final float[] TABULAR_PARAMETERS = {
        -0.0f,
        -1.75f,
        -1.5f,
        Float.MIN_VALUE,
        -1.0f,
        -0.75f,
        -0.5f,
        -0.25f,
        0f,
        0.25f,
        0.5f,
        0.75f,
        1.0f,
        1.25f,
        1.5f,
        1.75f,
        -Float.MAX_VALUE,
    };

    private static Path path(String name) throws URISyntaxException {
        return Path.of(GoldenV2FileTest.class.getResource("/model/" + name).toURI());
    }

    private static void assertGolden(String name, MlpModel m) {
        if (name.equals("v2-small.lsm")) {
            assertArrayEquals(new int[] {3, 2, 3}, m.architecture().sizes());
            assertEquals(Activation.RELU, m.architecture().hidden());
            assertFalse(m.byteInput());
            assertFalse(m.isImage());
            assertEquals(3, m.width());
            InputScaling s = m.scaling();
            assertFalse(s.isUniform());
            float[] scales = {0.5f, 1e-3f, 0f};
            float[] offsets = {-1f, -2.5f, 0f};
            for (int f = 0; f < 3; f++) {
                assertEquals(Float.floatToRawIntBits(scales[f]), Float.floatToRawIntBits(s.scale(f)), "scale " + f);
                assertEquals(Float.floatToRawIntBits(offsets[f]), Float.floatToRawIntBits(s.offset(f)), "offset " + f);
            }
            float[] p = m.parameters();
            assertEquals(TABULAR_PARAMETERS.length, p.length);
            for (int i = 0; i < p.length; i++) {
                assertEquals(
                        Float.floatToRawIntBits(TABULAR_PARAMETERS[i]),
                        Float.floatToRawIntBits(p[i]),
                        "parameter " + i);
            }
        } else {
            assertArrayEquals(new int[] {4, 3, 2}, m.architecture().sizes());
            assertEquals(Activation.TANH, m.architecture().hidden());
            assertTrue(m.byteInput());
            assertTrue(m.isImage());
            assertEquals(2, m.height());
            assertEquals(2, m.width());
            assertEquals(
                    Float.floatToRawIntBits(1f / 127.5f),
                    Float.floatToRawIntBits(m.scaling().scale()));
            assertEquals(
                    Float.floatToRawIntBits(-1f),
                    Float.floatToRawIntBits(m.scaling().offset()));
            assertEquals(23, m.parameters().length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2-small.lsm", "v2-image.lsm"})
    void loadsThroughTheFileSystemAndFromAStream(String name) throws Exception {
        assertGolden(name, ModelFile.read(new Configuration(), path(name).toString()));
        try (InputStream in = GoldenV2FileTest.class.getResourceAsStream("/model/" + name)) {
            assertGolden(name, ModelFile.read(in, name, -1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2-small.lsm", "v2-image.lsm"})
    void writerStillProducesTheSameBytes(String name) throws Exception {
        byte[] golden = Files.readAllBytes(path(name));
        boolean tabular = name.equals("v2-small.lsm");
        assertEquals(tabular ? 147 : 155, golden.length);
        assertEquals(
                tabular ? 0x5cfb6a9aL : 0x4108d112L,
                ByteBuffer.wrap(golden).getLong(golden.length - 8),
                "stored CRC32C");
        MlpModel m = ModelFile.read(new Configuration(), path(name).toString());
        assertArrayEquals(golden, TestModels.bytes(m));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2-small.lsm", "v2-image.lsm"})
    void everyFlippedBitIsRejected(String name) throws IOException, URISyntaxException {
        byte[] golden = Files.readAllBytes(path(name));
        for (int i = 0; i < golden.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = golden.clone();
                bad[i] ^= (byte) (1 << bit);
                for (long length : new long[] {bad.length, -1}) {
                    assertThrows(
                            dev.lockstep.LockstepException.class,
                            () -> ModelFile.read(new java.io.ByteArrayInputStream(bad), name, length),
                            "byte " + i + " bit " + bit);
                }
            }
        }
    }
}
