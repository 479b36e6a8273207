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
import org.junit.jupiter.api.Test;

/**
 * {@code model/v1-small.lsm} was written once by format version 1 and is committed. Never regenerate it: it proves
 * that every later Lockstep still loads version-1 files. (The writer now writes version 2: {@link GoldenV2FileTest}.)
 */
class GoldenFileTest {
    private static final String RESOURCE = "/model/v1-small.lsm";
    /** The exact parameters stored in the golden file, spelled out so they cannot drift with test helpers. */
    private static final float[] EXPECTED = {
        -0.0f,
        -1.25f,
        -1.125f,
        -1.0f,
        -0.875f,
        Float.MIN_VALUE,
        -0.625f,
        1e-20f,
        -0.375f,
        -0.25f,
        -0.125f,
        0f,
        0.125f,
        0.25f,
        0.375f,
        0.5f,
        0.625f,
        0.75f,
        0.875f,
        1.0f,
        1.125f,
        1.25f,
        Float.MAX_VALUE,
    };

    private static Path goldenPath() throws URISyntaxException {
        return Path.of(GoldenFileTest.class.getResource(RESOURCE).toURI());
    }

    private static void assertGolden(MlpModel m) {
        assertArrayEquals(new int[] {4, 3, 2}, m.architecture().sizes());
        assertEquals(Activation.TANH, m.architecture().hidden());
        assertEquals(
                Float.floatToRawIntBits(1f / 127.5f),
                Float.floatToRawIntBits(m.scaling().scale()));
        assertEquals(
                Float.floatToRawIntBits(-1f),
                Float.floatToRawIntBits(m.scaling().offset()));
        float[] p = m.parameters();
        assertEquals(EXPECTED.length, p.length);
        for (int i = 0; i < p.length; i++) {
            assertEquals(Float.floatToRawIntBits(EXPECTED[i]), Float.floatToRawIntBits(p[i]), "parameter " + i);
        }
    }

    @Test
    void loadsThroughTheFileSystem() throws Exception {
        assertGolden(ModelFile.read(new Configuration(), goldenPath().toString()));
        assertGolden(ModelFile.read(new Configuration(), goldenPath().toUri().toString()));
    }

    @Test
    void loadsFromAStreamOfUnknownLength() throws IOException {
        try (InputStream in = GoldenFileTest.class.getResourceAsStream(RESOURCE)) {
            assertGolden(ModelFile.read(in, RESOURCE, -1));
        }
    }

    @Test
    void aVersion1ModelIsWrittenAgainAsTheSameModelInVersion2() throws Exception {
        byte[] golden = Files.readAllBytes(goldenPath());
        assertEquals(145, golden.length);
        assertEquals(0x75526212L, ByteBuffer.wrap(golden).getLong(golden.length - 8), "stored CRC32C");
        MlpModel m = ModelFile.read(new Configuration(), goldenPath().toString());
        assertTrue(m.isImage(), "4 inputs: a 2x2 image, as a version 1 file's perfect square input size says");
        assertTrue(m.byteInput());
        byte[] again = TestModels.bytes(m);
        assertEquals(ModelFile.FORMAT_VERSION, ByteBuffer.wrap(again).getInt(8));
        MlpModel back = ModelFile.read(new java.io.ByteArrayInputStream(again), "again", again.length);
        assertEquals(m, back);
        assertGolden(back);
    }
}
