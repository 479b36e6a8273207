package dev.lockstep.workflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import dev.lockstep.data.HeapBudget;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Pictures are sized from their headers before they are decoded. */
public class PictureReaderTest {
    private static final String TOO_LARGE =
            ": the picture is 30000x30000 pixels, more than the 8192 pixels a side predict"
                    + " reads; scale it down (20x20 to 1000x1000 is plenty)";

    @Test
    void aTinyPngDeclaringHugeDimensionsIsRefusedBeforeDecoding() throws IOException {
        byte[] png = PictureFiles.pngDeclaring(30000, 30000);
        assertTrue(png.length < 200, "a few bytes: " + png.length);

        LockstepException e = assertThrows(LockstepException.class, () -> decode(png, "bomb.png"));

        assertEquals("bomb.png" + TOO_LARGE, e.getMessage());
    }

    @Test
    void aTinyGifDeclaringHugeDimensionsIsRefusedBeforeDecoding() throws IOException {
        byte[] gif = PictureFiles.gifDeclaring(30000, 30000);

        LockstepException e = assertThrows(LockstepException.class, () -> decode(gif, "bomb.gif"));

        assertEquals("bomb.gif" + TOO_LARGE, e.getMessage());
    }

    @Test
    void oneLongSideIsEnough() throws IOException {
        LockstepException e =
                assertThrows(LockstepException.class, () -> decode(PictureFiles.pngDeclaring(8193, 1), "strip.png"));

        assertTrue(
                e.getMessage().startsWith("strip.png: the picture is 8193x1 pixels, more than the 8192"),
                e.getMessage());
    }

    @Test
    void aPictureWhoseDecodingWouldNotFitTheHeapIsRefused() throws IOException {
        byte[] png = encode(digit(200, 240), "png");

        LockstepException e = assertThrows(
                LockstepException.class,
                () -> PictureReader.decode(new ByteArrayInputStream(png), "big.png", HeapBudget.fixed(500_000)));

        // 200 x 240 pixels x 16 bytes = 768,000 bytes.
        assertEquals(
                "big.png: scoring a picture of 200x240 pixels needs about 1 MB, more than the 1 MB of heap free"
                        + " (of 1 MB); scale it down, or raise the driver's heap with LOCKSTEP_DRIVER_MEMORY "
                        + "(spark-submit:"
                        + " --driver-memory) (spark.executor.memory for predict --out on a cluster)",
                e.getMessage());
    }

    @Test
    void picturesWithinTheCapDecodeAsImageIoDoes() throws IOException {
        BufferedImage drawn = digit(200, 240);
        for (String format : new String[] {"png", "gif", "bmp", "jpg"}) {
            byte[] bytes = encode(drawn, format);
            BufferedImage expected = ImageIO.read(new ByteArrayInputStream(bytes));

            BufferedImage read = decode(bytes, "digit." + format);

            assertEquals(200, read.getWidth(), format);
            assertEquals(240, read.getHeight(), format);
            assertArrayEquals(
                    expected.getRGB(0, 0, 200, 240, null, 0, 200), read.getRGB(0, 0, 200, 240, null, 0, 200), format);
        }
    }

    @Test
    void notAPictureIsSaidSo() {
        LockstepException e = assertThrows(
                LockstepException.class, () -> decode("hello, world".getBytes(StandardCharsets.US_ASCII), "notes.png"));

        assertEquals("notes.png: cannot read image: not a PNG, JPEG, GIF or BMP file", e.getMessage());
    }

    private static BufferedImage decode(byte[] bytes, String name) throws IOException {
        return PictureReader.decode(new ByteArrayInputStream(bytes), name);
    }

    static BufferedImage digit(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.fillRect(width / 2 - 8, height / 8, 16, height * 3 / 4);
        g.dispose();
        return image;
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) throw new AssertionError("no writer for " + format);
        return out.toByteArray();
    }

    /** Valid picture files whose headers declare any size, with next to no pixel data. */
    public static final class PictureFiles {
        private PictureFiles() {}

        /** A 1x1 PNG whose IHDR chunk is rewritten to declare {@code width x height} (with a valid CRC). */
        public static byte[] pngDeclaring(int width, int height) throws IOException {
            byte[] png = encode(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png");
            ByteBuffer b = ByteBuffer.wrap(png);
            if (b.getInt(12) != 0x49484452) throw new AssertionError("IHDR is not the first chunk");
            b.putInt(16, width);
            b.putInt(20, height);
            CRC32 crc = new CRC32();
            crc.update(png, 12, 4 + 13);
            b.putInt(29, (int) crc.getValue());
            return png;
        }

        /**
         * A 1x1 GIF whose logical screen and first image descriptor are rewritten to declare {@code width x height}.
         */
        public static byte[] gifDeclaring(int width, int height) throws IOException {
            byte[] gif = encode(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_INDEXED), "gif");
            putShortLe(gif, 6, width);
            putShortLe(gif, 8, height);
            int packed = gif[10] & 0xff;
            int at = 13 + ((packed & 0x80) != 0 ? 3 << ((packed & 7) + 1) : 0);
            while ((gif[at] & 0xff) == 0x21) { // extensions: introducer, label, then sub-blocks up to an empty one
                at += 2;
                while (gif[at] != 0) at += (gif[at] & 0xff) + 1;
                at++;
            }
            if ((gif[at] & 0xff) != 0x2c) throw new AssertionError("no image descriptor at " + at);
            putShortLe(gif, at + 5, width);
            putShortLe(gif, at + 7, height);
            return gif;
        }

        private static void putShortLe(byte[] b, int at, int value) {
            b[at] = (byte) value;
            b[at + 1] = (byte) (value >>> 8);
        }
    }
}
