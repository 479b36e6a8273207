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

    /**
     * Reads the golden files by the offsets the format's documentation gives (ModelFile's javadoc and
     * docs/file-formats.md), not through the reader: the table and the bytes must agree.
     */
    @ParameterizedTest
    @ValueSource(strings = {"v2-small.lsm", "v2-image.lsm"})
    void documentedOffsetsMatchTheFile(String name) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path(name)));
        MlpModel m = ModelFile.read(new Configuration(), path(name).toString());
        assertEquals("LKSTPMDL", new String(b.array(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(2, b.getInt(8));
        int headerLength = b.getInt(12);
        int n = b.getInt(16);
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) sizes[i] = b.getInt(20 + 4 * i);
        assertArrayEquals(m.architecture().sizes(), sizes);
        int inputs = sizes[0];
        assertEquals(m.architecture().hidden().code(), b.get(20 + 4 * n), "activation");
        assertEquals(m.byteInput() ? 0 : 1, b.get(21 + 4 * n), "input kind");
        assertEquals(m.isImage() ? m.height() : 0, b.getInt(22 + 4 * n), "input height");
        assertEquals(m.isImage() ? m.width() : inputs, b.getInt(26 + 4 * n), "input width");
        int kind = b.get(30 + 4 * n);
        assertEquals(m.scaling().isUniform() ? 0 : 1, kind, "scaling kind");
        int s = kind == 0 ? 8 : 8 * inputs;
        assertEquals(19 + 4 * n + s, headerLength, "H = 19 + 4n + S");
        if (kind == 0) {
            assertEquals(m.scaling().scale(), b.getFloat(31 + 4 * n));
            assertEquals(m.scaling().offset(), b.getFloat(35 + 4 * n));
        } else {
            for (int f = 0; f < inputs; f++) {
                assertEquals(m.scaling().scale(f), b.getFloat(31 + 4 * n + 4 * f), "scale " + f);
                assertEquals(m.scaling().offset(f), b.getFloat(31 + 4 * n + 4 * inputs + 4 * f), "offset " + f);
            }
        }
        int p = b.getInt(31 + 4 * n + s);
        float[] parameters = m.parameters();
        assertEquals(parameters.length, p);
        for (int i = 0; i < p; i++) {
            assertEquals(
                    Float.floatToRawIntBits(parameters[i]),
                    Float.floatToRawIntBits(b.getFloat(35 + 4 * n + s + 4 * i)),
                    "parameter " + i);
        }
        int crcAt = 35 + 4 * n + s + 4 * p;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 0, crcAt);
        assertEquals(crc.getValue(), b.getLong(crcAt));
        assertEquals(16 + headerLength + 4 * p + 8, b.capacity(), "total length = 16 + H + 4P + 8");
        assertEquals(crcAt + 8, b.capacity());
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
