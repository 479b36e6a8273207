package dev.lockstep.data;

import static dev.lockstep.data.TestData.CONF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.LockstepException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"true,false", "false,false", "true,true", "false,true"})
    void roundTripMnistShaped(boolean header, boolean gzip) {
        LabeledImages data = TestData.random(30, 28, 28, 3);
        byte[] text = TestData.csv(data, header).getBytes(StandardCharsets.US_ASCII);
        String file =
                TestData.write(dir.resolve(gzip ? "train.csv.gz" : "train.csv"), gzip ? TestData.gzip(text) : text);

        LabeledImages read = CsvReader.read(CONF, file);

        assertEquals(30, read.count());
        assertEquals(28, read.rows());
        assertEquals(28, read.cols());
        assertArrayEquals(data.pixels(), read.pixels());
        assertArrayEquals(data.labels(), read.labels());
        assertEquals(file, read.source());
    }

    @Test
    void shapeFromColumnCount() {
        assertEquals(28, CsvParser.imageRows(784));
        assertEquals(4, CsvParser.imageRows(16));
        assertEquals(1, CsvParser.imageRows(10));
    }

    @Test
    void toleratesCrLfBlanksBlankLinesAndNoFinalNewline() {
        String file = write("label, a, b, c, d\r\n3, 0, 255 ,7,8\r\n\r\n9,1,2,3,4");

        LabeledImages read = CsvReader.read(CONF, file);

        assertEquals(2, read.count());
        assertEquals(2, read.rows());
        assertEquals(2, read.cols());
        assertArrayEquals(new byte[] {3, 9}, read.labels());
        assertArrayEquals(new byte[] {0, (byte) 255, 7, 8, 1, 2, 3, 4}, read.pixels());
    }

    @Test
    void nonSquareRowsAreOneRowImages() {
        LabeledImages read = CsvReader.read(CONF, write("1,2,3,4\n"));

        assertEquals(1, read.rows());
        assertEquals(3, read.cols());
    }

    @Test
    void wrongColumnCountNamesTheLine() {
        String file = write("label,p0,p1\n1,2,3\n4,5,6\n7,8\n");

        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file));

        assertEquals(file + ": line 4: expected 3 fields (label + 2 pixels) as on line 2, found 2", e.getMessage());
    }

    @Test
    void labelOutOfRange() {
        String file = write("1,2,3\n10,5,6\n");

        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file));

        assertEquals(file + ": line 2: label 10 in field 1 is out of range (expected 0-9)", e.getMessage());
    }

    @Test
    void pixelOutOfRange() {
        String file = write("1,2,3\n4,5,256\n");

        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file));

        assertEquals(file + ": line 2: pixel value 256 in field 3 is out of range (expected 0-255)", e.getMessage());
    }

    @Test
    void negativePixel() {
        String file = write("1,-1,3\n");

        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file));

        assertEquals(file + ": line 1: pixel value -1 in field 2 is out of range (expected 0-255)", e.getMessage());
    }

    @Test
    void nonInteger() {
        String file = write("label,p0,p1\n1,2,3\n4,0.5,6\n");

        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file));

        assertEquals(file + ": line 3: field 2 '0.5' is not an integer", e.getMessage());
    }

    @Test
    void emptyFile() {
        String file = write("");

        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file));

        assertEquals(file + ": empty file, expected CSV rows of label,pixel,pixel,...", e.getMessage());
    }

    @Test
    void headerOnly() {
        String file = write("label,p0\n");

        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file));

        assertEquals(file + ": no data rows after the header line", e.getMessage());
    }

    @Test
    void rowsBeyondTheHeapFreeAreRefusedNamingTheLine() {
        // 3,000 rows of 784 pixels are 2.2 MB; doubling from 1 MB, the array would grow to 4 MB, beyond the 3 MB free.
        LabeledImages data = TestData.random(3000, 28, 28, 9);
        String file = write(TestData.csv(data, false));

        DataFormatException e =
                assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file, HeapBudget.fixed(3 << 20)));

        assertEquals(
                file + ": line 2675: too much data for the heap: holding 4 MB of pixel values needs more than the"
                        + " 3 MB of heap free (of 3 MB); raise the driver's heap with LOCKSTEP_DRIVER_MEMORY "
                        + "(spark-submit:"
                        + " --driver-memory)",
                e.getMessage());
        assertEquals(3000, CsvReader.read(CONF, file, HeapBudget.fixed(8 << 20)).count());
    }

    @Test
    void rowsOfMorePixelsThanTheLargestImageAreRefused() {
        StringBuilder line = new StringBuilder("label\n1");
        for (int i = 0; i <= LabeledImages.MAX_FEATURES; i++) line.append(",0");
        String file = write(line.append('\n').toString());

        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(CONF, file));

        assertEquals(
                file + ": line 2: more than 1048576 pixel values, the largest image being 1024x1024", e.getMessage());
    }

    @Test
    void missingFile() {
        String file = dir.resolve("missing.csv").toString();

        LockstepException e = assertThrows(LockstepException.class, () -> CsvReader.read(CONF, file));

        assertEquals(file + ": no such file", e.getMessage());
    }

    private String write(String text) {
        return TestData.write(dir.resolve("data.csv"), text.getBytes(StandardCharsets.US_ASCII));
    }
}
