package dev.lockstep.ml;

import dev.lockstep.UsageException;
import dev.lockstep.train.rows.FrameColumns;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The features column, which may be a Vector (dense or sparse) or an array of numbers: the columns {@code train}
 * takes, checked by the same code ({@link FrameColumns#features}). Spark ML's own schema checks know only vectors,
 * so an array column is shown to them as a vector and put back.
 */
final class FeatureColumn {
    private FeatureColumn() {}

    /**
     * {@code check} applied to {@code schema} with column {@code name} seen as a vector; the result has the column's
     * own type back.
     *
     * @param source what the rows are, for the message: "the training rows"
     * @throws UsageException when the column is missing or of another type
     */
    static StructType validated(StructType schema, String name, String source, UnaryOperator<StructType> check) {
        DataType type = FrameColumns.features(schema, name, source).dataType();
        if (!(type instanceof ArrayType)) return check.apply(schema);
        StructType checked = check.apply(withType(schema, name, new VectorUDT()));
        return withType(checked, name, type);
    }

    /** Whether column {@code name} is an array (else it is a vector), after {@link #validated}. */
    static boolean isArray(StructType schema, String name) {
        return schema.apply(name).dataType() instanceof ArrayType;
    }

    /** The column as a vector column, for what takes only vectors; array elements widen to double exactly. */
    static Column asVector(StructType schema, String name) {
        Column c = org.apache.spark.sql.functions.col(name);
        if (!isArray(schema, name)) return c;
        return org.apache.spark.ml.functions.array_to_vector(
                c.cast(DataTypes.createArrayType(DataTypes.DoubleType, true)));
    }

    private static StructType withType(StructType schema, String name, DataType type) {
        StructField[] fields = schema.fields().clone();
        for (int i = 0; i < fields.length; i++) {
            StructField f = fields[i];
            if (f.name().equals(name)) fields[i] = new StructField(f.name(), type, f.nullable(), f.metadata());
        }
        return new StructType(fields);
    }
}
