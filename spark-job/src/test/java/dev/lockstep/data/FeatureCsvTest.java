package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows of numbers for a model of a given width: with or without a label, a header, and one line per bad row. */
class FeatureCsvTest {
    @TempDir
    Path tmp;

    private String write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    private FeatureCsv.Rows read(String text) throws Exception {
        return FeatureCsv.read(new Configuration(), write("rows.csv", text), 3, 4);
    }

    @Test
    void theModelsWidthMeansNoLabelAndOneMoreMeansALabelFirst() throws Exception {
        FeatureCsv.Rows plain = read("a,b,c\n1.5,-2e3,0.25\n\n  7 , 8 ,9\n");
        assertEquals(2, plain.count());
        assertNull(plain.labels());
        assertArrayEquals(new float[] {1.5f, -2000f, 0.25f, 7, 8, 9}, plain.values());

        FeatureCsv.Rows labelled = read("3,1,2,3\n0.0,4,5,6\n");
        assertArrayEquals(new int[] {3, 0}, labelled.labels());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, labelled.values());
        assertEquals(3, labelled.block().label(0));
        assertEquals(6f, labelled.block().raw(1, 2));
    }

    @Test
    void badRowsAreOneLineNamingTheLine() throws Exception {
        String message =
                assertThrows(DataFormatException.class, () -> read("1,2\n")).getMessage();
        assertTrue(
                message.endsWith("line 1: 2 fields, but the model takes 3 features: give 3 values a row, or a label "
                        + "and 3 values"),
                message);
        assertTrue(assertThrows(DataFormatException.class, () -> read("1,2,3\n1,2,3,4\n"))
                .getMessage()
                .endsWith("line 2: expected 3 fields as on the first row, found 4"));
        assertTrue(assertThrows(DataFormatException.class, () -> read("1,2,3\n1,NaN,3\n"))
                .getMessage()
                .endsWith("line 2: field 2 'NaN' is not a finite number"));
        assertTrue(assertThrows(DataFormatException.class, () -> read("4,1,2,3\n"))
                .getMessage()
                .endsWith("line 1: label 4 in field 1 is not a class of the model (expected 0-3)"));
        assertTrue(assertThrows(DataFormatException.class, () -> read("1.5,1,2,3\n"))
                .getMessage()
                .contains("label 1.5 in field 1 is not a class"));
        assertTrue(assertThrows(DataFormatException.class, () -> read("x,y,z\n"))
                .getMessage()
                .endsWith("no data rows after the header line"));
    }

    @Test
    void rowsBeyondTheHeapAreRefusedWhileReading() throws Exception {
        String uri = write("big.csv", "1,2,3\n".repeat(2000));
        String message = assertThrows(
                        DataFormatException.class,
                        () -> FeatureCsv.read(new Configuration(), uri, 3, 2, HeapBudget.fixed(4096)))
                .getMessage();
        assertTrue(message.contains("too much data for the heap"), message);
    }

    /** A row far wider than the model is refused by the model's width, before it is split into a million fields. */
    @Test
    void aRowWiderThanTheModelStopsAtTheModelsWidth() throws Exception {
        String wide = "1" + ",0".repeat(2_000_000) + "\n";
        String message =
                assertThrows(DataFormatException.class, () -> read(wide)).getMessage();
        assertTrue(
                message.endsWith("line 1: more than 4 fields, but the model takes 3 features: give 3 values a row, or"
                        + " a label and 3 values"),
                message);
    }

    /** The line reader shared with the image CSV reader: a byte order mark, CRLF ends, no final newline. */
    @Test
    void byteOrderMarkAndWindowsLineEndsAreRead() throws Exception {
        FeatureCsv.Rows rows = read("\uFEFFa,b,c\r\n1,2,3\r\n4,5,6");
        assertEquals(2, rows.count());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, rows.values());
        String message = assertThrows(DataFormatException.class, () -> read("1,2,3\r\n1,2,x\r\n"))
                .getMessage();
        assertTrue(message.endsWith("line 2: field 3 'x' is not a finite number"), message);
    }
}
