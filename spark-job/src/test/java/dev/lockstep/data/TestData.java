package dev.lockstep.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;

/** Writes small IDX and CSV files for tests. */
final class TestData {
    static final Configuration CONF = new Configuration();

    private TestData() {}

    /** A random dataset whose labels and pixels are reproducible from the seed. */
    static LabeledImages random(int count, int rows, int cols, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * rows * cols];
        random.nextBytes(pixels);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return new LabeledImages(rows, cols, pixels, labels, "random");
    }

    static byte[] idx(int magic, int[] dims, byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        buffer.putInt(magic);
        for (int dim : dims) {
            buffer.putInt(dim);
        }
        buffer.put(payload);
        return buffer.array();
    }

    static byte[] imagesIdx(LabeledImages data) {
        return idx(IdxHeader.IMAGES_MAGIC, new int[] {data.count(), data.rows(), data.cols()}, data.pixels());
    }

    static byte[] labelsIdx(LabeledImages data) {
        return idx(IdxHeader.LABELS_MAGIC, new int[] {data.count()}, data.labels());
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    static String write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return file.toString();
    }

    /** Writes {@code data} as an images/labels IDX pair named like MNIST's, returning their paths. */
    static String[] writeIdxPair(Path dir, String prefix, LabeledImages data, boolean gzip) {
        String suffix = gzip ? ".gz" : "";
        byte[] images = imagesIdx(data);
        byte[] labels = labelsIdx(data);
        return new String[] {
            write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gzip ? gzip(images) : images),
            write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gzip ? gzip(labels) : labels),
        };
    }

    static String csv(LabeledImages data, boolean header) {
        StringBuilder out = new StringBuilder();
        if (header) {
            out.append("label");
            for (int p = 0; p < data.features(); p++) {
                out.append(",pixel").append(p);
            }
            out.append('\n');
        }
        for (int i = 0; i < data.count(); i++) {
            out.append(data.label(i));
            for (int p = 0; p < data.features(); p++) {
                out.append(',').append(data.pixels()[i * data.features() + p] & 0xff);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
