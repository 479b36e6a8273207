package dev.lockstep.model;

import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Fixed models and byte-level helpers shared by the model tests. */
public final class TestModels {
    private TestModels() {}

    /** 4-3-2 tanh, 23 parameters including awkward bit patterns (-0.0, a subnormal, MAX_VALUE), non-default scaling. */
    public static MlpModel small() {
        Architecture arch = new Architecture(new int[] {4, 3, 2}, Activation.TANH);
        float[] p = new float[arch.parameterCount()];
        for (int i = 0; i < p.length; i++) p[i] = (i - 11) * 0.125f;
        p[0] = -0.0f;
        p[5] = Float.MIN_VALUE;
        p[7] = 1e-20f;
        p[22] = Float.MAX_VALUE;
        return new MlpModel(arch, p, new InputScaling(1f / 127.5f, -1f));
    }

    /**
     * 3-2-3 relu on float features that are not an image, with a per-feature scaling (as standardization makes)
     * and 17 parameters including awkward bit patterns.
     */
    public static MlpModel tabular() {
        Architecture arch = new Architecture(new int[] {3, 2, 3}, Activation.RELU);
        float[] p = new float[arch.parameterCount()];
        for (int i = 0; i < p.length; i++) p[i] = (i - 8) * 0.25f;
        p[0] = -0.0f;
        p[3] = Float.MIN_VALUE;
        p[16] = -Float.MAX_VALUE;
        InputScaling scaling = InputScaling.perFeature(new float[] {0.5f, 1e-3f, 0f}, new float[] {-1f, -2.5f, 0f});
        return new MlpModel(arch, p, scaling, false, 0, 3);
    }

    /** Deterministic pseudo-random parameters, so larger models exercise chunk boundaries. */
    static MlpModel random(Activation hidden, int... sizes) {
        Architecture arch = new Architecture(sizes, hidden);
        float[] p = new float[arch.parameterCount()];
        long s = 42;
        for (int i = 0; i < p.length; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            p[i] = (float) ((s >>> 11) * 0x1.0p-53 - 0.5);
        }
        return new MlpModel(arch, p);
    }

    static byte[] bytes(MlpModel model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelFile.write(out, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Recomputes the trailer so a test can build a file that is intact except for what it deliberately breaks. */
    static byte[] withValidChecksum(byte[] file) {
        byte[] b = file.clone();
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 8);
        ByteBuffer.wrap(b).putLong(b.length - 8, crc.getValue());
        return b;
    }

    /** A file from its parts, checksum included: magic, version, header length, header, parameters. */
    static byte[] file(
            int version,
            int headerLength,
            int[] sizes,
            int activation,
            float scale,
            float offset,
            int parameterCount,
            int parametersActuallyWritten) {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 4 * sizes.length + 13 + 4 * parametersActuallyWritten + 8);
        b.put(ModelFile.MAGIC).putInt(version).putInt(headerLength).putInt(sizes.length);
        for (int s : sizes) b.putInt(s);
        b.put((byte) activation).putFloat(scale).putFloat(offset).putInt(parameterCount);
        for (int i = 0; i < parametersActuallyWritten; i++) b.putFloat(0.5f);
        return withValidChecksum(b.array());
    }

    /**
     * A version 2 file from its parts, checksum included: the header holds n, the sizes, activation, input kind,
     * height, width, scaling kind, the scaling's floats and the parameter count.
     */
    static byte[] fileV2(
            int headerLength,
            int[] sizes,
            int activation,
            int inputKind,
            int height,
            int width,
            int scalingKind,
            float[] scaling,
            int parameterCount,
            int parametersActuallyWritten) {
        ByteBuffer b = ByteBuffer.allocate(
                16 + 4 + 4 * sizes.length + 11 + 4 * scaling.length + 4 + 4 * parametersActuallyWritten + 8);
        b.put(ModelFile.MAGIC).putInt(2).putInt(headerLength).putInt(sizes.length);
        for (int s : sizes) b.putInt(s);
        b.put((byte) activation)
                .put((byte) inputKind)
                .putInt(height)
                .putInt(width)
                .put((byte) scalingKind);
        for (float f : scaling) b.putFloat(f);
        b.putInt(parameterCount);
        for (int i = 0; i < parametersActuallyWritten; i++) b.putFloat(0.5f);
        return withValidChecksum(b.array());
    }
}
