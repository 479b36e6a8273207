package dev.lockstep.workflow;

import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.HeapBudget;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes a picture to score, after reading the size it declares: a file of a few hundred bytes can declare
 * 30000x30000 pixels, and decoding allocates them all. Pictures larger than {@link #MAX_SIDE} on a side, or
 * whose decoding would not fit in the heap free, are refused before any pixel is decoded.
 */
final class PictureReader {
    /** Far beyond any photo of a digit (a 50-megapixel camera takes 8688x5792), yet every such photo fits. */
    static final int MAX_SIDE = 8192;
    /**
     * Heap per pixel while a picture is scored: the decoded image (up to 8 bytes, 16-bit RGBA) and the grey levels
     * {@code MnistImage} computes from it (8 bytes).
     */
    static final int BYTES_PER_PIXEL = 16;

    private PictureReader() {}

    static BufferedImage decode(InputStream in, String uri) throws IOException {
        return decode(in, uri, HeapBudget.JVM);
    }

    static BufferedImage decode(InputStream in, String uri, HeapBudget budget) throws IOException {
        try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
            if (readers == null || !readers.hasNext()) throw notAPicture(uri);
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw corrupt(uri, e);
                }
                checkSize(uri, width, height, budget);
                BufferedImage image;
                try {
                    image = reader.read(0, reader.getDefaultReadParam());
                } catch (IOException | RuntimeException e) {
                    throw corrupt(uri, e);
                }
                if (image == null) throw notAPicture(uri);
                return image;
            } finally {
                reader.dispose();
            }
        }
    }

    /** Refuses a declared size above the cap, or one whose decoding needs more heap than is free. */
    static void checkSize(String uri, int width, int height, HeapBudget budget) {
        if (width < 1 || height < 1) {
            throw new DataFormatException(uri + ": cannot read image: it declares " + width + "x" + height + " pixels");
        }
        if (width > MAX_SIDE || height > MAX_SIDE) {
            throw new DataFormatException(uri + ": the picture is " + width + "x" + height + " pixels, more than the "
                    + MAX_SIDE + " pixels a side predict reads; scale it down (20x20 to 1000x1000 is plenty)");
        }
        long bytes = (long) width * height * BYTES_PER_PIXEL;
        if (!budget.fits(bytes)) {
            throw new DataFormatException(
                    uri + ": scoring a picture of " + width + "x" + height + " pixels needs about "
                            + HeapBudget.mb(bytes) + ", more than the " + budget.describe() + "; scale it down, or "
                            + HeapBudget.RAISE + " (spark.executor.memory for predict --out on a cluster)");
        }
    }

    private static DataFormatException notAPicture(String uri) {
        return new DataFormatException(uri + ": cannot read image: not a PNG, JPEG, GIF or BMP file");
    }

    private static DataFormatException corrupt(String uri, Exception e) {
        return new DataFormatException(uri + ": cannot read image: corrupt or unsupported (" + e.getMessage() + ")");
    }
}
