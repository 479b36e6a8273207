package dev.lockstep.train.rows;

import dev.lockstep.UsageException;
import dev.lockstep.model.ModelFile;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The features and label columns of a DataFrame, checked against its schema on the driver, and how an executor reads
 * one row of {@code select(features, label)}: its width first (a sparse vector's size is known before a value is
 * touched, so no row is densified before its width is accepted), then its values and label, each checked.
 */
public final class FrameColumns implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The output layer has at most 65,536 classes (the largest layer). */
    static final int MAX_LABEL = 65_535;

    private final String features;
    private final String label;

    private FrameColumns(String features, String label) {
        this.features = features;
        this.label = label;
    }

    /**
     * The two columns as the schema names them.
     *
     * @throws UsageException when one is missing or of a type Lockstep cannot read
     */
    public static FrameColumns check(StructType schema, String featuresCol, String labelCol, String source) {
        StructField f = features(schema, featuresCol, source);
        StructField l = field(schema, labelCol, "label", source);
        if (!(l.dataType() instanceof NumericType)) {
            throw new UsageException(String.format(
                    "%s: label column '%s' is %s; expected a numeric column of class numbers 0, 1, 2, ...",
                    source, l.name(), l.dataType().simpleString()));
        }
        if (f.name().equals(l.name())) {
            throw new UsageException(source + ": the features and the label column are both '" + f.name() + "'");
        }
        return new FrameColumns(f.name(), l.name());
    }

    /**
     * The features column's field, checked as {@link #check} checks it: what the estimator checks its schema with,
     * so that it and {@code train} take and refuse the same columns, with the same message.
     *
     * @throws UsageException when it is missing or of a type Lockstep cannot read
     */
    public static StructField features(StructType schema, String featuresCol, String source) {
        StructField f = field(schema, featuresCol, "features", source);
        if (!isFeatures(f.dataType())) {
            throw new UsageException(String.format(
                    "%s: features column '%s' is %s; expected a vector (dense or sparse) or an array of numbers",
                    source, f.name(), f.dataType().simpleString()));
        }
        return f;
    }

    private static boolean isFeatures(DataType t) {
        return t instanceof VectorUDT || (t instanceof ArrayType a && a.elementType() instanceof NumericType);
    }

    /** Exactly the name, else the one column whose name differs only in case (as Spark resolves them by default). */
    private static StructField field(StructType schema, String name, String role, String source) {
        StructField match = null;
        int matches = 0;
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) return f;
            if (f.name().equalsIgnoreCase(name)) {
                match = f;
                matches++;
            }
        }
        if (matches == 1) return match;
        StringBuilder columns = new StringBuilder();
        for (StructField f : schema.fields()) {
            if (columns.length() > 0) columns.append(", ");
            columns.append(f.name()).append(' ').append(f.dataType().simpleString());
        }
        throw new UsageException(String.format(
                "%s: no %s column '%s' (its columns: %s)",
                source, role, name, columns.length() == 0 ? "none" : columns));
    }

    String features() {
        return features;
    }

    String label() {
        return label;
    }

    /** A row's problem, in words that follow "row N: ". Rare, so an exception. */
    static final class BadRow extends Exception {
        private static final long serialVersionUID = 1L;

        BadRow(String message) {
            super(message, null, false, false);
        }
    }

    /** How many features a row of {@code select(features, label)} has, before any is read. */
    static int width(Row row) throws BadRow {
        Object v = row.get(0);
        int width;
        if (v == null) throw new BadRow("its features are null");
        else if (v instanceof DenseVector d) width = d.size();
        else if (v instanceof SparseVector s) width = s.size();
        else width = row.getList(0).size();
        if (width == 0) throw new BadRow("it has no features");
        if (width > ModelFile.MAX_LAYER_SIZE) { // the input layer is a layer: a wider one could not be stored
            throw new BadRow(String.format(
                    Locale.ROOT,
                    "it has %,d features, more than the %,d a model's input layer can take",
                    width,
                    ModelFile.MAX_LAYER_SIZE));
        }
        return width;
    }

    /**
     * Writes the row's {@code width} features into {@code into} as float32, as training sees them.
     *
     * @return whether every one is an integer 0-255 (a byte row)
     */
    static boolean values(Row row, int width, float[] into) throws BadRow {
        Object v = row.get(0);
        boolean bytes = true;
        if (v instanceof DenseVector d) {
            double[] x = d.values();
            for (int f = 0; f < width; f++) bytes &= put(into, f, x[f]);
        } else if (v instanceof SparseVector s) {
            java.util.Arrays.fill(into, 0, width, 0f);
            int[] at = s.indices();
            double[] x = s.values();
            for (int k = 0; k < at.length; k++) bytes &= put(into, at[k], x[k]);
        } else {
            List<Object> x = row.getList(0);
            for (int f = 0; f < width; f++) {
                Object e = x.get(f);
                if (e == null) throw new BadRow("feature " + f + " is null");
                bytes &= put(into, f, ((Number) e).doubleValue());
            }
        }
        return bytes;
    }

    private static boolean put(float[] into, int f, double x) throws BadRow {
        if (Double.isNaN(x)) throw new BadRow("feature " + f + " is NaN");
        if (Double.isInfinite(x)) throw new BadRow("feature " + f + " is infinite");
        float value = (float) x;
        if (Float.isInfinite(value)) throw new BadRow("feature " + f + " is " + x + ", beyond float32's range");
        into[f] = value;
        return value >= 0 && value <= 255 && value == Math.rint(value);
    }

    /** The row's label: a class number 0..{@value #MAX_LABEL}. */
    static int label(Row row) throws BadRow {
        Object v = row.get(1);
        if (v == null) throw new BadRow("its label is null");
        double y = ((Number) v).doubleValue();
        if (!(y >= 0 && y <= MAX_LABEL && y == Math.rint(y))) {
            String shown = y == Math.rint(y) && Math.abs(y) < 1e15 ? Long.toString((long) y) : v.toString();
            throw new BadRow("label " + shown + " is not a class number (a whole number from 0 to " + MAX_LABEL + ")");
        }
        return (int) y;
    }
}
