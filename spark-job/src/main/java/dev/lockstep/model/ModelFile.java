package dev.lockstep.model;

import dev.lockstep.LockstepException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.HadoopPaths;
import dev.lockstep.nn.Architecture;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Lockstep model file ({@code model.lsm}): a versioned, checksummed binary format.
 *
 * <p>All integers and floats are big-endian (Java {@link java.io.DataOutputStream} order); floats are IEEE-754
 * binary32 bit patterns. {@code n} is the number of layer sizes (layers + 1), {@code I} the input size (the first
 * layer size), {@code P} the parameter count. The writer writes version 2; the reader reads versions 1 and 2.
 *
 * <h2>Layout, format version 2</h2>
 * <pre>
 * offset      size  type     field
 * 0           8     bytes    magic, ASCII "LKSTPMDL" (4C 4B 53 54 50 4D 44 4C)
 * 8           4     int      format version = 2
 * 12          4     int      header length H in bytes: 19 + 4n + S (S below), from offset 16 to the parameters
 * 16          4     int      n, the number of layer sizes, 2..64 (input, hidden..., output)
 * 20          4n    int[n]   layer sizes, input first; each 1..65536, output at least 2
 * 20+4n       1     byte     hidden activation code: 0 relu, 1 sigmoid, 2 tanh (output is always softmax)
 * 21+4n       1     byte     input kind: 0 unsigned bytes (raw values 0-255, e.g. pixels), 1 float32
 * 22+4n       4     int      input height: 0 when the input is not an image, else at least 2
 * 26+4n       4     int      input width: I when not an image, else height * width = I
 * 30+4n       1     byte     scaling kind: 0 uniform, 1 per feature
 * 31+4n       S     float[]  kind 0 (S = 8): scale, offset; kind 1 (S = 8I): I scales, then I offsets.
 *                            Raw value x of feature f enters the network as x * scale[f] + offset[f]; all finite
 * 31+4n+S     4     int      P, the parameter count; must equal what the sizes imply, at most 2^28
 * 35+4n+S     4P    float[P] parameters in the flat layout of {@link Architecture}: per layer, weights
 *                            row-major [out][in], then the out biases; all finite
 * 35+4n+S+4P  8     long     CRC32C (java.util.zip.CRC32C, Castagnoli) of every byte before it,
 *                            zero-extended to 64 bits (the first 4 trailer bytes are 0)
 * total file length = 16 + H + 4P + 8 bytes; nothing may follow the trailer
 * </pre>
 *
 * <h2>Layout, format version 1</h2>
 * Byte input only, uniform scaling; an image when I is a perfect square (28x28 for MNIST).
 * <pre>
 * offset      size  type     field
 * 0           8     bytes    magic, ASCII "LKSTPMDL"
 * 8           4     int      format version = 1
 * 12          4     int      header length H in bytes; in version 1 always 17 + 4n
 * 16          4     int      n, the number of layer sizes, 2..64
 * 20          4n    int[n]   layer sizes, input first; each 1..65536, output at least 2
 * 20+4n       1     byte     hidden activation code: 0 relu, 1 sigmoid, 2 tanh
 * 21+4n       4     float    input scale  } a raw pixel byte p (0..255) enters the network
 * 25+4n       4     float    input offset }   as p * scale + offset; both finite
 * 29+4n       4     int      P, the parameter count
 * 33+4n       4P    float[P] parameters
 * 33+4n+4P    8     long     CRC32C of bytes [0, 33+4n+4P), zero-extended to 64 bits
 * total file length = 41 + 4n + 4P bytes; nothing may follow the trailer
 * </pre>
 *
 * <p>A reader validates, in this order, and rejects with a message naming the file: the magic; the version
 * (newer versions are refused, older ones stay loadable forever); the header length against its bounds and, when
 * the file's length is known, against the file, before the header is read; the header's sanity (the per-feature
 * scaling's length is fixed by the input size, which is bounded); the file length against what the header implies,
 * before allocating the parameter array; truncation; the checksum; trailing bytes. So a corrupt or hostile file
 * can neither exhaust memory nor hang the reader. Any change to the layout must bump the version.
 */
public final class ModelFile {
    /** "LKSTPMDL". */
    static final byte[] MAGIC = "LKSTPMDL".getBytes(StandardCharsets.US_ASCII);

    public static final int FORMAT_VERSION = 2;
    /** Bytes before the header: magic, version, header length. */
    static final int PREFIX_LENGTH = 16;

    static final int TRAILER_LENGTH = 8;
    static final int MIN_SIZES = 2;
    static final int MAX_SIZES = 64;
    /** The largest layer a file holds, the input layer (features) and the output layer (classes) included. */
    public static final int MAX_LAYER_SIZE = 1 << 16;
    /**
     * 1 GiB of floats: far beyond any realistic MLP here, and a bound on what a corrupt header can make us allocate.
     */
    static final int MAX_PARAMETERS = 1 << 28;
    /** Parameters move through a byte buffer this large, so neither writing nor reading needs a second full copy. */
    static final int CHUNK_BYTES = 1 << 16;

    private ModelFile() {}

    static final byte INPUT_BYTES = 0;
    static final byte INPUT_FLOATS = 1;
    static final byte SCALING_UNIFORM = 0;
    static final byte SCALING_PER_FEATURE = 1;

    /** Header length in version 1 for {@code n} layer sizes: n, the sizes, activation, scale, offset, P. */
    static int headerLength(int n) {
        return 4 + 4 * n + 1 + 4 + 4 + 4;
    }

    /**
     * Header length in version 2 for {@code n} layer sizes and a scaling of {@code scalingFloats} floats: n, the
     * sizes, activation, input kind, height, width, scaling kind, the scaling, P.
     */
    static int headerLengthV2(int n, int scalingFloats) {
        return 4 + 4 * n + 1 + 1 + 4 + 4 + 1 + 4 * scalingFloats + 4;
    }

    /** Exact file length for a header of {@code headerLength}; long, as a corrupt header may imply more than int. */
    static long fileLengthFor(int headerLength, long parameterCount) {
        return PREFIX_LENGTH + (long) headerLength + 4L * parameterCount + TRAILER_LENGTH;
    }

    /** Exact file length in version 1. */
    static long fileLength(int n, long parameterCount) {
        return fileLengthFor(headerLength(n), parameterCount);
    }

    /**
     * Refuses a network this format cannot hold, by the limits every reader applies, so that nothing is trained
     * (or written) that {@code predict} and the registry would then reject.
     *
     * @throws IllegalArgumentException saying which limit, in the user's words
     */
    public static void checkStorable(Architecture arch) {
        int n = arch.layerCount() + 1;
        if (n < MIN_SIZES || n > MAX_SIZES) {
            throw new IllegalArgumentException(
                    n + " layer sizes; a model file holds " + MIN_SIZES + " to " + MAX_SIZES);
        }
        for (int size : arch.sizes()) {
            if (size > MAX_LAYER_SIZE) {
                throw new IllegalArgumentException(
                        "layer size " + size + "; a model file holds layers of at most " + MAX_LAYER_SIZE);
            }
        }
        if (arch.parameterCount() > MAX_PARAMETERS) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%,d parameters (%,d MB of float32); a model file holds at most %,d (%,d MB)",
                    arch.parameterCount(),
                    (4L * arch.parameterCount() + (1 << 20) - 1) >> 20,
                    MAX_PARAMETERS,
                    4L * MAX_PARAMETERS >> 20));
        }
    }

    /**
     * Writes {@code model} to {@code uri} atomically (see {@link AtomicFiles}); any previous file stays intact on
     * failure.
     */
    public static void write(Configuration conf, String uri, MlpModel model) {
        AtomicFiles.write(conf, uri, out -> write(out, model));
    }

    /** Writes the complete file to {@code out} and flushes it; does not close it. */
    public static void write(OutputStream out, MlpModel model) throws IOException {
        Architecture arch = model.architecture();
        checkStorable(arch); // a file no reader accepts is worse than none
        float[] params = model.parametersView();
        CRC32C crc = new CRC32C();
        // Everything up to the trailer passes through the checksum; the trailer goes straight to 'out'.
        DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
        int n = arch.layerCount() + 1;
        InputScaling scaling = model.scaling();
        int inputs = arch.inputSize();
        data.write(MAGIC);
        data.writeInt(FORMAT_VERSION);
        data.writeInt(headerLengthV2(n, scaling.isUniform() ? 2 : 2 * inputs));
        data.writeInt(n);
        for (int size : arch.sizes()) data.writeInt(size);
        data.writeByte(arch.hidden().code());
        data.writeByte(model.byteInput() ? INPUT_BYTES : INPUT_FLOATS);
        data.writeInt(model.height());
        data.writeInt(model.width());
        if (scaling.isUniform()) {
            data.writeByte(SCALING_UNIFORM);
            data.writeFloat(scaling.scale());
            data.writeFloat(scaling.offset());
        } else {
            data.writeByte(SCALING_PER_FEATURE);
            for (int f = 0; f < inputs; f++) data.writeFloat(scaling.scale(f));
            for (int f = 0; f < inputs; f++) data.writeFloat(scaling.offset(f));
        }
        data.writeInt(params.length);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES); // big-endian by default
        for (int i = 0; i < params.length; ) {
            chunk.clear();
            while (i < params.length && chunk.remaining() >= 4) chunk.putFloat(params[i++]);
            data.write(chunk.array(), 0, chunk.position());
        }
        data.flush();
        DataOutputStream trailer = new DataOutputStream(out);
        trailer.writeLong(crc.getValue());
        trailer.flush();
    }

    /**
     * Reads and fully validates the model at {@code uri}; every problem is a {@link LockstepException} naming the file.
     */
    public static MlpModel read(Configuration conf, String uri) {
        return read(conf, uri, null).model();
    }

    /** A model read from a file: where (the URI qualified), and the SHA-256 of every byte read, in hex. */
    public record Digested(MlpModel model, String uri, String sha256) {}

    /**
     * As {@link #read(Configuration, String)}, and the SHA-256 of the file's bytes (as {@code sha256sum} prints it),
     * taken on the same pass: the bytes hashed are the bytes the model was read from.
     */
    public static Digested readDigested(Configuration conf, String uri) {
        try {
            return read(conf, uri, MessageDigest.getInstance("SHA-256"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
    }

    /** @param sha fed every byte of the file when not null */
    private static Digested read(Configuration conf, String uri, MessageDigest sha) {
        try {
            Path path = HadoopPaths.of(uri);
            // Without Hadoop's .crc side files, a damaged model is reported as "truncated" or "checksum mismatch"
            // by our own CRC32C rather than as a generic ChecksumException.
            FileSystem fs = HadoopPaths.fileSystem(path, conf);
            FileStatus status;
            try {
                status = fs.getFileStatus(path);
            } catch (FileNotFoundException e) {
                throw new LockstepException("model file " + uri + " does not exist");
            }
            if (status.isDirectory()) {
                throw new LockstepException("model file " + uri + " is a directory; expected a file such as "
                        + ModelDirectory.modelFile(uri));
            }
            MlpModel model;
            try (InputStream in = sha == null ? fs.open(path) : new DigestInputStream(fs.open(path), sha)) {
                model = read(in, uri, status.getLen()); // to the end: a digest covers every byte
            }
            return new Digested(
                    model,
                    fs.makeQualified(path).toString(),
                    sha == null ? null : HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new LockstepException("cannot read model file " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and fully validates a model from {@code in}, which is read to its end but not closed.
     *
     * @param sourceName    named in error messages
     * @param lengthIfKnown the stream's total length in bytes, or -1 if unknown; when unknown the parameter array
     *                      grows only as bytes actually arrive, so a lying header still cannot force a huge allocation
     */
    public static MlpModel read(InputStream in, String sourceName, long lengthIfKnown) throws IOException {
        return new ModelFileReader(in, sourceName, lengthIfKnown).read();
    }
}
