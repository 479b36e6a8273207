package dev.lockstep.data;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads rows of numbers to score with a model that is not an image model: any finite values (not only 0-255), with
 * or without a header line, plain or gzip-compressed. The model's width decides what a row is: as many fields as
 * the model takes features is a row without a label; one more is a label first, then the features. Any other width
 * is refused with both widths named. The image CSV reader ({@link CsvReader}) is separate: training reads pixels.
 */
public final class FeatureCsv {
    /** The rows read: {@code labels} is null when the file has no label column. */
    public record Rows(String source, int count, int features, float[] values, int[] labels) {
        public boolean labelled() {
            return labels != null;
        }

        /** The rows as one block (labels 0 where there are none); the arrays are shared, not copied. */
        public RowBlock block() {
            return RowBlock.ofFloats(0, count, features, values, labels != null ? labels : new int[count]);
        }
    }

    private final InputFile in;
    private final HeapBudget budget;
    private final int features;
    private final int classes;
    private final CsvLines lines;
    private String[] fields = new String[64];

    private FeatureCsv(InputFile in, HeapBudget budget, int features, int classes) {
        this.in = in;
        this.budget = budget;
        this.features = features;
        this.classes = classes;
        this.lines = new CsvLines(in);
    }

    /** True for a CSV file's name ({@code .csv}, {@code .csv.gz}), not a list of files. */
    public static boolean isCsv(String uri) {
        String name = uri.toLowerCase(Locale.ROOT);
        return !uri.contains(",") && (name.endsWith(".csv") || name.endsWith(".csv.gz"));
    }

    /** The rows of {@code uri} for a model taking {@code features} values and scoring {@code classes} classes. */
    public static Rows read(Configuration conf, String uri, int features, int classes) {
        return read(conf, uri, features, classes, HeapBudget.JVM);
    }

    static Rows read(Configuration conf, String uri, int features, int classes, HeapBudget budget) {
        try (InputFile in = InputFile.open(conf, uri)) {
            return new FeatureCsv(in, budget, features, classes).parse();
        }
    }

    private Rows parse() {
        int columns = -1;
        boolean sawHeader = false;
        float[] values = new float[0];
        int[] labels = new int[0];
        int count = 0;
        while (lines.next()) {
            int n = split();
            if (n == 0) continue; // blank line
            if (columns < 0) {
                if (!sawHeader && !isNumber(fields[0])) {
                    sawHeader = true; // a first line that does not start with a number is a header
                    continue;
                }
                if (n != features && n != features + 1) {
                    throw error(n + " fields, but the model takes " + features + " features: give " + features
                            + " values a row, or a label and " + features + " values");
                }
                columns = n;
            } else if (n != columns) {
                throw error("expected " + columns + " fields as on the first row, found " + n);
            }
            boolean labelled = columns == features + 1;
            if ((long) (count + 1) * features > Integer.MAX_VALUE - 8) throw error("too many rows for one array");
            if ((count + 1) * features > values.length) values = grow(values, (count + 1) * features);
            if (labelled && count == labels.length) labels = growLabels(labels, count + 1);
            int first = labelled ? 1 : 0;
            if (labelled) labels[count] = label(fields[0]);
            for (int f = 0; f < features; f++) values[count * features + f] = value(f + first);
            count++;
        }
        if (columns < 0) {
            throw in.error(
                    sawHeader
                            ? "no data rows after the header line"
                            : "empty file, expected CSV rows of " + features + " values (a label first optional)");
        }
        return new Rows(
                in.name(),
                count,
                features,
                Arrays.copyOf(values, count * features),
                columns == features + 1 ? Arrays.copyOf(labels, count) : null);
    }

    private float[] grow(float[] values, int needed) {
        return Arrays.copyOf(values, capacity(values.length, needed, 1024, "values"));
    }

    private int[] growLabels(int[] labels, int needed) {
        return Arrays.copyOf(labels, capacity(labels.length, needed, 256, "labels"));
    }

    /** The next length of an array of 4-byte {@code what}: doubled plus {@code slack}, refused beyond the heap free. */
    private int capacity(int length, int needed, int slack, String what) {
        long size = Math.min(Integer.MAX_VALUE - 8, Math.max((long) needed, 2L * length + slack));
        if (!budget.fits(4 * size)) {
            throw error("too much data for the heap: holding " + HeapBudget.mb(4 * size) + " of " + what
                    + " needs more than the " + budget.describe() + "; " + HeapBudget.RAISE);
        }
        return (int) size;
    }

    private int label(String text) {
        double v = number(text, 1);
        if (v != Math.rint(v) || v < 0 || v >= classes) {
            throw error("label " + shown(text) + " in field 1 is not a class of the model (expected 0-" + (classes - 1)
                    + ")");
        }
        return (int) v;
    }

    private float value(int field) {
        double v = number(fields[field], field + 1);
        float f = (float) v;
        if (!Float.isFinite(f)) throw error("field " + (field + 1) + " '" + shown(fields[field]) + "' is too large");
        return f;
    }

    /** A finite number, or one clear error naming the field. */
    private double number(String text, int field) {
        double v;
        try {
            v = isNumber(text) ? Double.parseDouble(text) : Double.NaN;
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) throw error("field " + field + " '" + shown(text) + "' is not a finite number");
        return v;
    }

    /** Plain decimal notation only ({@code -1.5e3}): not Java's NaN, Infinity, hex or {@code 1f}. */
    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return false;
        }
        return s.chars().anyMatch(Character::isDigit);
    }

    private static String shown(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Splits the current line at commas into trimmed {@link #fields}; 0 for a blank line. */
    private int split() {
        String text = new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) return 0;
        int n = 0;
        int start = 0;
        while (true) {
            if (n > features + 1) { // no row of the model's is wider: stop before a huge line becomes fields
                throw error("more than " + (features + 1) + " fields, but the model takes " + features + " features:"
                        + " give " + features + " values a row, or a label and " + features + " values");
            }
            if (n == fields.length) fields = Arrays.copyOf(fields, 2 * n);
            int comma = text.indexOf(',', start);
            fields[n++] = (comma < 0 ? text.substring(start) : text.substring(start, comma)).strip();
            if (comma < 0) return n;
            start = comma + 1;
        }
    }

    private DataFormatException error(String problem) {
        return lines.error(problem);
    }
}
