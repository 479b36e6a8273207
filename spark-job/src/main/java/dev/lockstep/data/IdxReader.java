package dev.lockstep.data;

import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads an MNIST-style pair of IDX files (unsigned-byte images and labels), gzip-compressed or raw,
 * from any Hadoop file system, checking everything a damaged or mismatched file could get wrong.
 */
public final class IdxReader {
    /** First allocation for gzip payloads, whose real size is unknown until they are inflated. */
    private static final int INITIAL_INFLATE_BYTES = 1 << 24;
    /** How far past the declared end a file is read to count unexpected bytes before saying "at least". */
    static final long TRAILING_PROBE_BYTES = 1 << 20;

    private IdxReader() {}

    public static LabeledImages read(Configuration conf, String imagesUri, String labelsUri) {
        return read(conf, imagesUri, labelsUri, HeapBudget.JVM);
    }

    static LabeledImages read(Configuration conf, String imagesUri, String labelsUri, HeapBudget budget) {
        try (InputFile images = InputFile.open(conf, imagesUri);
                InputFile labels = InputFile.open(conf, labelsUri)) {
            IdxHeader imageHeader = IdxHeader.read(images, IdxHeader.Kind.IMAGES);
            IdxHeader labelHeader = IdxHeader.read(labels, IdxHeader.Kind.LABELS);
            // Both headers first: a mismatched pair fails before megabytes of pixels are inflated.
            if (imageHeader.count != labelHeader.count) {
                throw new DataFormatException(imagesUri + " has " + imageHeader.count + " images but " + labelsUri
                        + " has " + labelHeader.count + " labels (expected the same count)");
            }
            imageHeader.requireHeap(images, budget, labelHeader.payloadBytes());
            byte[] labelBytes = readPayload(labels, labelHeader, budget);
            checkLabels(labels, labelHeader, labelBytes);
            byte[] pixels = readPayload(images, imageHeader, budget);
            return new LabeledImages(
                    imageHeader.rows, imageHeader.cols, pixels, labelBytes, imagesUri + " + " + labelsUri);
        }
    }

    /**
     * The images of an IDX image file alone, for scoring where there may be no labels. The result's labels are
     * all 0 and mean nothing.
     */
    public static LabeledImages readImagesOnly(Configuration conf, String imagesUri) {
        return readImagesOnly(conf, imagesUri, HeapBudget.JVM);
    }

    static LabeledImages readImagesOnly(Configuration conf, String imagesUri, HeapBudget budget) {
        try (InputFile images = InputFile.open(conf, imagesUri)) {
            IdxHeader header = IdxHeader.read(images, IdxHeader.Kind.IMAGES);
            header.requireHeap(images, budget, header.count);
            byte[] pixels = readPayload(images, header, budget);
            return new LabeledImages(header.rows, header.cols, pixels, new byte[header.count], imagesUri);
        }
    }

    /**
     * Reads exactly the payload the header declares and makes sure nothing follows it, reading at most
     * {@link #TRAILING_PROBE_BYTES} beyond: a gzip stream may inflate to gigabytes past its declared end.
     */
    static byte[] readPayload(InputFile in, IdxHeader header, HeapBudget budget) {
        int expected = (int) header.payloadBytes(); // checked against the array limit by IdxHeader
        // A raw file's length was checked against the header, so its size is trusted; a gzip stream's
        // is not, so its buffer grows only as data really arrives, each step checked against the heap.
        byte[] buffer = new byte[in.compressed() ? Math.min(expected, INITIAL_INFLATE_BYTES) : expected];
        int filled = 0;
        while (filled < expected) {
            if (filled == buffer.length) {
                int grown = (int) Math.min(expected, 2L * buffer.length);
                if (!budget.fits(grown)) {
                    throw header.tooLargeForHeap(in, budget);
                }
                buffer = Arrays.copyOf(buffer, grown);
            }
            int n = in.read(buffer, filled, buffer.length - filled);
            filled += n;
            if (filled < buffer.length) {
                throw header.truncated(in, filled);
            }
        }
        long extra = in.remaining(TRAILING_PROBE_BYTES);
        if (extra > 0) {
            throw header.trailing(in, extra, extra > TRAILING_PROBE_BYTES);
        }
        return buffer;
    }

    private static void checkLabels(InputFile in, IdxHeader header, byte[] labels) {
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xff;
            if (label >= LabeledImages.CLASSES) {
                throw in.error("label " + label + " of item " + i + " at offset " + (header.headerBytes() + i)
                        + " is out of range (expected 0-9)");
            }
        }
    }
}
