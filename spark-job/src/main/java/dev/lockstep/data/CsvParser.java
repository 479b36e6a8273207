package dev.lockstep.data;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A hand-written scanner for {@code label,p0,p1,...} lines: no per-field Strings or regexes, since a
 * 60,000-line MNIST CSV has 47 million fields.
 */
final class CsvParser {
    /** Marks a field that is not an integer. */
    private static final int NOT_INT = Integer.MIN_VALUE;

    private static final int MNIST_FEATURES = 784;
    private static final int MNIST_SIDE = 28;

    private final InputFile in;
    private final HeapBudget budget;
    private final CsvLines lines;
    /** The current line, from {@link #lines}. */
    private byte[] line;

    private int lineLength;
    private int[] values = new int[1024];

    CsvParser(InputFile in, HeapBudget budget) {
        this.in = in;
        this.budget = budget;
        this.lines = new CsvLines(in);
    }

    LabeledImages parse() {
        int columns = -1;
        long firstDataLine = -1;
        boolean sawHeader = false;
        GrowableBytes labels = new GrowableBytes(1 << 12, budget, bytes -> tooMuch(bytes, "labels"));
        GrowableBytes pixels = new GrowableBytes(1 << 20, budget, bytes -> tooMuch(bytes, "pixel values"));
        while (nextLine()) {
            int fields = parseFields();
            if (fields == 0) {
                continue; // blank line
            }
            if (columns < 0) {
                if (values[0] == NOT_INT && !sawHeader) {
                    sawHeader = true; // a first line that does not start with a number is a header
                    continue;
                }
                if (fields < 2) {
                    throw error("expected a label and at least one pixel value, found " + fields + " field");
                }
                columns = fields;
                firstDataLine = lines.number();
            } else if (fields != columns) {
                throw error("expected " + columns + " fields (label + " + (columns - 1) + " pixels) as on line "
                        + firstDataLine + ", found " + fields);
            }
            labels.ensureRoom(1);
            pixels.ensureRoom(columns - 1);
            labels.add(checked(0, 0, LabeledImages.CLASSES - 1, "label"));
            for (int f = 1; f < columns; f++) {
                pixels.add(checked(f, 0, 255, "pixel value"));
            }
        }
        if (columns < 0) {
            throw in.error(
                    sawHeader
                            ? "no data rows after the header line"
                            : "empty file, expected CSV rows of " + "label,pixel,pixel,...");
        }
        int features = columns - 1;
        int rows = imageRows(features);
        return new LabeledImages(rows, features / rows, pixels.toArray(), labels.toArray(), in.name());
    }

    /** 784 pixels are an MNIST 28x28 image; other squares are square images; anything else one row. */
    static int imageRows(int features) {
        if (features == MNIST_FEATURES) {
            return MNIST_SIDE;
        }
        int side = (int) Math.round(Math.sqrt(features));
        return side * side == features ? side : 1;
    }

    private int checked(int field, int min, int max, String what) {
        int value = values[field];
        if (value == NOT_INT) {
            throw error("field " + (field + 1) + " '" + fieldText(field) + "' is not an integer");
        }
        if (value < min || value > max) {
            throw error(what + " " + fieldText(field) + " in field " + (field + 1) + " is out of range (expected " + min
                    + "-" + max + ")");
        }
        return value;
    }

    /**
     * Splits the current line at commas into {@link #values}, trimming blanks around each field.
     * Returns the number of fields, 0 for a blank line.
     */
    private int parseFields() {
        int end = lineLength;
        while (end > 0 && isBlank(line[end - 1])) {
            end--;
        }
        if (end == 0) {
            return 0;
        }
        int fields = 0;
        int pos = 0;
        while (true) {
            if (fields > LabeledImages.MAX_FEATURES) { // a label and the largest image's pixels already
                throw error("more than " + LabeledImages.MAX_FEATURES + " pixel values, the largest image being "
                        + IdxHeader.MAX_SIDE + "x" + IdxHeader.MAX_SIDE);
            }
            if (fields == values.length) {
                values = Arrays.copyOf(values, 2 * fields);
            }
            int fieldEnd = pos;
            while (fieldEnd < end && line[fieldEnd] != ',') {
                fieldEnd++;
            }
            values[fields++] = parseInt(pos, fieldEnd);
            if (fieldEnd == end) {
                return fields;
            }
            pos = fieldEnd + 1;
        }
    }

    /** The integer in line[from, to) ignoring surrounding blanks, or NOT_INT; huge values saturate. */
    private int parseInt(int from, int to) {
        while (from < to && isBlank(line[from])) {
            from++;
        }
        while (to > from && isBlank(line[to - 1])) {
            to--;
        }
        boolean negative = false;
        if (from < to && (line[from] == '-' || line[from] == '+')) {
            negative = line[from] == '-';
            from++;
        }
        if (from == to) {
            return NOT_INT;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                return NOT_INT;
            }
            value = Math.min(Integer.MAX_VALUE, value * 10 + digit);
        }
        return (int) (negative ? -value : value);
    }

    private String fieldText(int field) {
        int start = 0;
        for (int f = 0; f < field; f++) {
            while (line[start] != ',') {
                start++;
            }
            start++;
        }
        int end = start;
        while (end < lineLength && line[end] != ',' && line[end] != '\r') {
            end++;
        }
        String text = new String(line, start, end - start, StandardCharsets.UTF_8).strip();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    /** The data does not fit one array, or the heap free, once it reaches {@code bytes}. */
    private DataFormatException tooMuch(long bytes, String what) {
        if (bytes > IdxHeader.MAX_PAYLOAD_BYTES) {
            return error("too much data: more than " + IdxHeader.MAX_PAYLOAD_BYTES + " " + what);
        }
        return error("too much data for the heap: holding " + HeapBudget.mb(bytes) + " of " + what
                + " needs more than the " + budget.describe() + "; " + HeapBudget.RAISE);
    }

    /** Reads the next line into {@link #line}; false at end of file. */
    private boolean nextLine() {
        if (!lines.next()) return false;
        line = lines.bytes();
        lineLength = lines.length();
        return true;
    }

    private DataFormatException error(String problem) {
        return lines.error(problem);
    }
}
