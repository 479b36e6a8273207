package dev.lockstep.model;

import static dev.lockstep.model.ModelFile.*;

import dev.lockstep.LockstepException;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Parses one model file, validating in the order documented on {@link ModelFile}. Single use.
 * Tracks the byte position and the running CRC32C of everything read before the trailer.
 */
final class ModelFileReader {
    /** Without a known length, the parameter array starts this small and doubles as data actually arrives. */
    private static final int INITIAL_UNKNOWN_LENGTH_FLOATS = 1 << 18;

    private final InputStream in;
    private final String source;
    private final long knownLength;
    private final CRC32C crc = new CRC32C();
    private long position;
    /** Total length implied by the header once parsed; -1 before, for truncation messages. */
    private long expectedLength = -1;

    ModelFileReader(InputStream in, String source, long lengthIfKnown) {
        this.in = in;
        this.source = source;
        this.knownLength = lengthIfKnown;
    }

    MlpModel read() throws IOException {
        checkMagic();
        int version = readInt();
        if (version > FORMAT_VERSION) {
            throw fail("model format version " + version + " is newer than this Lockstep supports (" + FORMAT_VERSION
                    + ")");
        }
        if (version < 1) throw fail("invalid model format version " + version);
        Header header = readHeader(version);
        expectedLength = fileLengthFor(header.length, header.parameterCount);
        if (knownLength >= 0 && knownLength < expectedLength) throw truncated(knownLength);
        float[] params = readParameters(header.parameterCount);
        long stored = readTrailer();
        if (stored != crc.getValue()) throw fail("checksum mismatch: file is corrupt");
        long extra = knownLength >= 0 ? knownLength - position : in.read() >= 0 ? 1 : 0;
        if (extra > 0) {
            throw fail("unexpected trailing bytes after the checksum (the model ends at byte " + expectedLength
                    + (knownLength >= 0 ? ", the file has " + knownLength + ")" : ")"));
        }
        try {
            return version == 1
                    ? MlpModel.adopt(header.architecture, params, header.scaling)
                    : MlpModel.adopt(
                            header.architecture, params, header.scaling, header.byteInput, header.height, header.width);
        } catch (LockstepException e) { // a non-finite parameter in an otherwise intact file
            throw fail(e.getMessage());
        }
    }

    private record Header(
            int length,
            Architecture architecture,
            InputScaling scaling,
            boolean byteInput,
            int height,
            int width,
            int parameterCount) {}

    private void checkMagic() throws IOException {
        byte[] magic = new byte[MAGIC.length];
        int got = in.readNBytes(magic, 0, magic.length);
        crc.update(magic, 0, got);
        position = got;
        if (got == 0) throw fail("not a Lockstep model: the file is empty");
        if (!Arrays.equals(magic, 0, got, MAGIC, 0, got)) {
            throw fail("not a Lockstep model: it does not start with \"" + new String(MAGIC, StandardCharsets.US_ASCII)
                    + "\"");
        }
        if (got < magic.length) throw truncated(got);
    }

    private Header readHeader(int version) throws IOException {
        int headerLength = readInt();
        int min = version == 1 ? headerLength(MIN_SIZES) : headerLengthV2(MIN_SIZES, 2);
        int max = version == 1 ? headerLength(MAX_SIZES) : headerLengthV2(MAX_SIZES, 2 * MAX_LAYER_SIZE);
        if (headerLength < min || headerLength > max) {
            throw fail("invalid header: header length " + headerLength + " is outside " + min + ".." + max);
        }
        if (knownLength >= 0 && knownLength < PREFIX_LENGTH + (long) headerLength) {
            throw fail(
                    "truncated: expected at least " + (PREFIX_LENGTH + headerLength) + " bytes, found " + knownLength);
        }
        // Bounded by the checks above, so reading the whole header up front is safe.
        ByteBuffer h = ByteBuffer.wrap(readBytes(headerLength));
        int n = h.getInt();
        if (n < MIN_SIZES || n > MAX_SIZES) {
            throw fail("invalid header: layer count " + n + " is outside " + MIN_SIZES + ".." + MAX_SIZES);
        }
        if (version == 1 && headerLength != headerLength(n)) {
            throw fail("invalid header: length " + headerLength + " does not match " + n + " layers (expected "
                    + headerLength(n) + ")");
        }
        if (version > 1 && headerLength < headerLengthV2(n, 2)) {
            throw fail("invalid header: length " + headerLength + " is too short for " + n + " layers (at least "
                    + headerLengthV2(n, 2) + ")");
        }
        int[] sizes = new int[n];
        long implied = 0;
        for (int i = 0; i < n; i++) {
            sizes[i] = h.getInt();
            if (sizes[i] < 1 || sizes[i] > MAX_LAYER_SIZE) {
                throw fail("invalid header: layer size " + sizes[i] + " is outside 1.." + MAX_LAYER_SIZE);
            }
            if (i > 0) implied += (long) sizes[i - 1] * sizes[i] + sizes[i];
        }
        int code = h.get();
        Activation activation;
        try {
            activation = Activation.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw fail("invalid header: unknown activation code " + code);
        }
        Input input = version == 1 ? new Input(true, -1, -1, readUniform(h)) : readInput(h, n, sizes[0], headerLength);
        int count = h.getInt();
        if (implied > MAX_PARAMETERS) {
            throw fail("invalid header: layers imply " + implied + " parameters, more than the supported "
                    + MAX_PARAMETERS);
        }
        if (count != implied) {
            throw fail("invalid header: parameter count " + count + " does not match the " + implied
                    + " implied by the layer sizes");
        }
        Architecture architecture;
        try {
            architecture = new Architecture(sizes, activation);
        } catch (IllegalArgumentException e) {
            throw fail("invalid header: " + e.getMessage());
        }
        return new Header(headerLength, architecture, input.scaling, input.bytes, input.height, input.width, count);
    }

    private record Input(boolean bytes, int height, int width, InputScaling scaling) {}

    /** Version 2's input description: kind, height and width, and the scaling, of {@code inputs} features. */
    private Input readInput(ByteBuffer h, int n, int inputs, int headerLength) {
        int kind = h.get();
        if (kind != INPUT_BYTES && kind != INPUT_FLOATS) throw fail("invalid header: unknown input kind " + kind);
        int height = h.getInt();
        int width = h.getInt();
        boolean fits = height == 0 ? width == inputs : height >= 2 && width >= 1 && (long) height * width == inputs;
        if (!fits) {
            throw fail("invalid header: input height " + height + " and width " + width + " do not fit " + inputs
                    + " inputs (height 0 and width " + inputs + " when not an image)");
        }
        int scalingKind = h.get();
        if (scalingKind != SCALING_UNIFORM && scalingKind != SCALING_PER_FEATURE) {
            throw fail("invalid header: unknown input scaling kind " + scalingKind);
        }
        // The per-feature arrays' length follows from the input size (at most MAX_LAYER_SIZE), not from the file.
        int floats = scalingKind == SCALING_UNIFORM ? 2 : 2 * inputs;
        if (headerLength != headerLengthV2(n, floats)) {
            throw fail("invalid header: length " + headerLength + " does not match " + n + " layers and "
                    + (scalingKind == SCALING_UNIFORM ? "a uniform scaling" : "a scaling of " + inputs + " features")
                    + " (expected " + headerLengthV2(n, floats) + ")");
        }
        InputScaling scaling;
        if (scalingKind == SCALING_UNIFORM) {
            scaling = readUniform(h);
        } else {
            float[] scales = new float[inputs];
            float[] offsets = new float[inputs];
            for (int f = 0; f < inputs; f++) scales[f] = h.getFloat();
            for (int f = 0; f < inputs; f++) offsets[f] = h.getFloat();
            for (int f = 0; f < inputs; f++) {
                if (!Float.isFinite(scales[f]) || !Float.isFinite(offsets[f])) {
                    throw fail("invalid header: input scaling " + scales[f] + "*x+" + offsets[f] + " of feature " + f
                            + " is not finite");
                }
            }
            scaling = InputScaling.perFeature(scales, offsets);
        }
        return new Input(kind == INPUT_BYTES, height, width, scaling);
    }

    private InputScaling readUniform(ByteBuffer h) {
        float scale = h.getFloat();
        float offset = h.getFloat();
        if (!Float.isFinite(scale) || !Float.isFinite(offset)) {
            throw fail("invalid header: input scaling " + scale + "*p+" + offset + " is not finite");
        }
        return new InputScaling(scale, offset);
    }

    private float[] readParameters(int count) throws IOException {
        // With a validated length we allocate exactly; otherwise grow with the data so a short stream stays cheap.
        float[] params = new float[knownLength >= 0 ? count : Math.min(count, INITIAL_UNKNOWN_LENGTH_FLOATS)];
        byte[] chunk = new byte[CHUNK_BYTES];
        ByteBuffer view = ByteBuffer.wrap(chunk);
        int filled = 0;
        while (filled < count) {
            int floats = Math.min(count - filled, CHUNK_BYTES / 4);
            readFully(chunk, floats * 4);
            while (filled + floats > params.length) {
                params = Arrays.copyOf(params, (int) Math.min(count, 2L * params.length));
            }
            view.clear();
            for (int i = 0; i < floats; i++) params[filled++] = view.getFloat();
        }
        return params;
    }

    private long readTrailer() throws IOException {
        byte[] trailer = new byte[TRAILER_LENGTH];
        int got = in.readNBytes(trailer, 0, trailer.length); // not part of the checksum
        position += got;
        if (got < trailer.length) throw truncated(position);
        return ByteBuffer.wrap(trailer).getLong();
    }

    private int readInt() throws IOException {
        return ByteBuffer.wrap(readBytes(4)).getInt();
    }

    private byte[] readBytes(int length) throws IOException {
        byte[] b = new byte[length];
        readFully(b, length);
        return b;
    }

    private void readFully(byte[] b, int length) throws IOException {
        int got = in.readNBytes(b, 0, length);
        crc.update(b, 0, got);
        position += got;
        if (got < length) throw truncated(position);
    }

    private LockstepException truncated(long found) {
        String expected = expectedLength >= 0 ? "expected " + expectedLength : "expected more than " + found;
        return fail("truncated: " + expected + " bytes, found " + found);
    }

    private LockstepException fail(String problem) {
        return new LockstepException("model file " + source + ": " + problem);
    }
}
