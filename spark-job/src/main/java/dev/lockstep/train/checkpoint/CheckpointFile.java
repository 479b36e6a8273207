package dev.lockstep.train.checkpoint;

import dev.lockstep.LockstepException;
import dev.lockstep.data.HeapBudget;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.HadoopPaths;
import dev.lockstep.nn.Architecture;
import dev.lockstep.optim.OptimizerState;
import dev.lockstep.train.Checkpoint;
import dev.lockstep.train.EpochSummary;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.timing.StepTime;
import dev.lockstep.train.timing.StepTimeMedians;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The checkpoint file: magic {@code "LKSTPCKP"}, int format version, then the fields of {@link Checkpoint}
 * (big-endian; strings as int length + UTF-8; arrays as int length + elements), then a CRC32C of everything
 * before it as a long. Version 2 adds the epoch's correct and counted rows after the train seconds, and per
 * history entry, after the confusion matrix: train accuracy, learning rate, and the step-time breakdown (int
 * steps, then its seven medians). Version 3 adds, after the optimizer state, the best epoch's parameters (a float array,
 * empty when the run keeps the last epoch's or has no best epoch yet). Version 1 and 2 files still load, with what
 * they lack unknown. A reader checks length and checksum
 * before parsing, so a file cut short by a crash is rejected whole, never half-used; and it checks the file's length
 * against what the format and the run can hold, and against the heap, before it allocates anything for it.
 */
final class CheckpointFile {
    private static final byte[] MAGIC = "LKSTPCKP".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 3;
    static final int OLDEST_VERSION = 1;
    /** The longest file a reader can hold in one array (the JDK's limit), and so the longest checkpoint there is. */
    static final long MAX_LENGTH = Integer.MAX_VALUE - 8;
    /** Magic, version, and the fields of a version-1 file with empty strings, no history, parameters or buffers. */
    static final int MIN_LENGTH = 8 + 4 + 4 + 4 + 4 + 8 + 8 + 8 + 4 + 4 + 8 + 4 + 8;
    /** Magic to checksum, in the current version: everything but text, history and float arrays. */
    private static final int FIXED_LENGTH = MIN_LENGTH + 8 + 8 + 4;
    /** One history entry in the current version, without its confusion matrix. */
    private static final int HISTORY_ENTRY_LENGTH =
            4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 8 + 8 + 4 + 8 * StepTime.REPORTED.size();
    /** One history entry of version 1, the shortest: a bound on how many entries a file of some length holds. */
    private static final int MIN_HISTORY_ENTRY_LENGTH = 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4;
    /**
     * Room for the text a checkpoint holds (the settings' fingerprint, the optimizer's buffer names): far more than
     * they take.
     */
    private static final long TEXT_ALLOWANCE = 1 << 20;

    private CheckpointFile() {}

    static void write(Configuration conf, String uri, Checkpoint c) {
        byte[] body = encode(c);
        AtomicFiles.write(conf, uri, out -> out.write(body));
    }

    static byte[] encode(Checkpoint c) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 4 * c.parameters().length * 3);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(VERSION);
            writeString(out, c.configFingerprint());
            out.writeInt(c.epoch());
            out.writeInt(c.nextStep());
            out.writeLong(c.globalStep());
            out.writeDouble(c.epochLossSum());
            out.writeDouble(c.trainSeconds());
            out.writeLong(c.epochCorrect());
            out.writeLong(c.epochRows());
            out.writeInt(c.history().size());
            for (EpochSummary e : c.history()) {
                out.writeInt(e.epoch());
                out.writeLong(e.steps());
                out.writeDouble(e.trainLoss());
                out.writeDouble(e.seconds());
                out.writeDouble(e.examplesPerSecond());
                // A run without evaluation rows writes an empty evaluation: 0 classes, no confusion counts.
                out.writeInt(e.eval() == null ? 0 : e.eval().classes());
                out.writeDouble(e.eval() == null ? 0 : e.eval().lossSum());
                long[] confusion = e.eval() == null ? new long[0] : e.eval().confusion();
                out.writeInt(confusion.length);
                for (long v : confusion) out.writeLong(v);
                out.writeDouble(e.trainAccuracy());
                out.writeDouble(e.learningRate());
                out.writeInt(e.stepTimes().steps());
                for (StepTime.Part part : StepTime.REPORTED)
                    out.writeDouble(e.stepTimes().millis(part));
            }
            writeFloats(out, c.parameters());
            out.writeLong(c.optimizer().step());
            Map<String, float[]> buffers = c.optimizer().buffers();
            out.writeInt(buffers.size());
            for (Map.Entry<String, float[]> b : buffers.entrySet()) {
                writeString(out, b.getKey());
                writeFloats(out, b.getValue());
            }
            writeFloats(out, c.bestParameters() == null ? new float[0] : c.bestParameters());
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
    }

    /**
     * The longest checkpoint a run of {@code config} writes: its parameters, each of its optimizer's buffers and the
     * best epoch's parameters, a history entry per epoch, and room for its text. A longer file is not one of this run's checkpoints.
     */
    static long maxLength(TrainConfig config) {
        Architecture arch = config.architecture();
        int buffers = config.optimizer().create(1).state().bufferNames().size();
        double classes = arch.outputSize();
        double floatArrays =
                (2.0 + buffers) * (4 + 4 + 4.0 * arch.parameterCount()); // a name's and the array's length, the floats
        double history = config.epochs() * (HISTORY_ENTRY_LENGTH + 8 * classes * classes);
        return (long) Math.min(MAX_LENGTH, Math.ceil(FIXED_LENGTH + TEXT_ALLOWANCE + history + floatArrays));
    }

    /** Reads any checkpoint the format can hold. */
    static Checkpoint read(Configuration conf, String uri) {
        return read(conf, uri, MAX_LENGTH);
    }

    /**
     * Reads the checkpoint at {@code uri} if it is at most {@code maxLength} bytes long ({@link #maxLength}) and fits
     * the heap; a file that is not is refused like a damaged one, before anything is allocated for it.
     */
    static Checkpoint read(Configuration conf, String uri, long maxLength) {
        Path path = new Path(uri);
        byte[] data;
        try {
            FileSystem fs = HadoopPaths.fileSystem(path, conf);
            long length = fs.getFileStatus(path).getLen();
            checkLength(uri, length, Math.min(maxLength, MAX_LENGTH));
            data = new byte[(int) length];
            try (InputStream in = fs.open(path)) {
                int off = 0;
                while (off < data.length) {
                    int n = in.read(data, off, data.length - off);
                    if (n < 0) throw new LockstepException("checkpoint " + uri + ": truncated while reading");
                    off += n;
                }
            }
        } catch (IOException e) {
            throw new LockstepException("checkpoint " + uri + ": " + e.getMessage(), e);
        }
        return decode(data, uri);
    }

    private static void checkLength(String uri, long length, long maxLength) {
        if (length < MIN_LENGTH) {
            throw new LockstepException(
                    String.format(Locale.ROOT, "checkpoint %s: %,d bytes, too short to be a checkpoint", uri, length));
        }
        if (length > maxLength) {
            throw new LockstepException(String.format(
                    Locale.ROOT,
                    "checkpoint %s: %,d bytes, more than %s can be (at most %,d)",
                    uri,
                    length,
                    maxLength == MAX_LENGTH ? "a checkpoint" : "a checkpoint of this run's model and settings",
                    maxLength));
        }
        // The file's bytes, and about as many again for the arrays they decode to.
        HeapBudget.JVM.require(
                2 * length, String.format(Locale.ROOT, "checkpoint %s: reading its %,d bytes", uri, length));
    }

    static Checkpoint decode(byte[] data, String name) {
        if (data.length < MAGIC.length + 4 + 8 || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new LockstepException("checkpoint " + name + ": not a Lockstep checkpoint");
        }
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(data, data.length - 8, 8).getLong()) {
            throw new LockstepException("checkpoint " + name + ": checksum mismatch (incomplete or corrupt)");
        }
        ByteBuffer in = ByteBuffer.wrap(data, 0, data.length - 8);
        in.position(MAGIC.length);
        try {
            int version = in.getInt();
            if (version < OLDEST_VERSION || version > VERSION) {
                throw new LockstepException("checkpoint " + name + ": format version " + version
                        + " (this Lockstep reads " + OLDEST_VERSION + " to " + VERSION + ")");
            }
            String fingerprint = readString(in);
            int epoch = in.getInt();
            int nextStep = in.getInt();
            long globalStep = in.getLong();
            double epochLoss = in.getDouble();
            double seconds = in.getDouble();
            long epochCorrect = version >= 2 ? in.getLong() : 0;
            long epochRows = version >= 2 ? in.getLong() : 0;
            int historySize = count(in, MIN_HISTORY_ENTRY_LENGTH);
            List<EpochSummary> history = new ArrayList<>(historySize);
            for (int i = 0; i < historySize; i++) {
                int e = in.getInt();
                long steps = in.getLong();
                double trainLoss = in.getDouble();
                double epochSeconds = in.getDouble();
                double eps = in.getDouble();
                int classes = in.getInt();
                double lossSum = in.getDouble();
                long[] confusion = new long[count(in, 8)];
                for (int k = 0; k < confusion.length; k++) confusion[k] = in.getLong();
                Evaluation eval =
                        classes == 0 && confusion.length == 0 ? null : new Evaluation(classes, lossSum, confusion);
                if (version == 1) {
                    history.add(new EpochSummary(e, steps, trainLoss, eval, epochSeconds, eps));
                    continue;
                }
                double trainAccuracy = in.getDouble();
                double rate = in.getDouble();
                int timedSteps = in.getInt();
                double[] medians = new double[StepTime.REPORTED.size()];
                for (int k = 0; k < medians.length; k++) medians[k] = in.getDouble();
                history.add(new EpochSummary(
                        e,
                        steps,
                        trainLoss,
                        eval,
                        epochSeconds,
                        eps,
                        trainAccuracy,
                        rate,
                        StepTimeMedians.reported(timedSteps, medians)));
            }
            float[] params = readFloats(in);
            long optimizerStep = in.getLong();
            int buffers = count(in, 8);
            Map<String, float[]> state = new LinkedHashMap<>();
            for (int i = 0; i < buffers; i++) state.put(readString(in), readFloats(in));
            float[] best = version >= 3 ? readFloats(in) : new float[0];
            if (in.hasRemaining())
                throw new LockstepException("checkpoint " + name + ": unexpected bytes after the "
                        + (version >= 3 ? "best epoch's parameters" : "optimizer state"));
            return new Checkpoint(
                    fingerprint,
                    epoch,
                    nextStep,
                    globalStep,
                    epochLoss,
                    seconds,
                    history,
                    params,
                    new OptimizerState(optimizerStep, state),
                    epochCorrect,
                    epochRows,
                    best.length == 0 ? null : best);
        } catch (LockstepException e) {
            throw e;
        } catch (
                RuntimeException e) { // whatever a checksummed but wrong file makes the parser trip over, it is damaged
            throw new LockstepException("checkpoint " + name + ": malformed (" + e + ")");
        }
    }

    /** A length field, checked against what is left so a bad value can't cause a huge allocation. */
    private static int count(ByteBuffer in, int bytesPerItem) {
        int n = in.getInt();
        if (n < 0 || (long) n * bytesPerItem > in.remaining()) throw new IllegalArgumentException("bad length " + n);
        return n;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer in) {
        byte[] b = new byte[count(in, 1)];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        ByteBuffer buf = ByteBuffer.allocate(4 * v.length);
        buf.asFloatBuffer().put(v);
        out.write(buf.array());
    }

    private static float[] readFloats(ByteBuffer in) {
        float[] v = new float[count(in, 4)];
        in.asFloatBuffer().get(v);
        in.position(in.position() + 4 * v.length);
        return v;
    }
}
