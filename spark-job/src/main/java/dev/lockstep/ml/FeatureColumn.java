package dev.lockstep.ml;

import dev.lockstep.UsageException;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The features column, which may be a Vector (dense or sparse) or an {@code array<float>} or {@code array<double>}.
 * Spark ML's own schema checks know only vectors, so an array column is shown to them as a vector and put back.
 */
final class FeatureColumn {
    private FeatureColumn() {}

    /**
     * {@code check} applied to {@code schema} with column {@code name} seen as a vector; the result has the column's
     * own type back.
     *
     * @throws UsageException when the column is missing or of another type
     */
    static StructType validated(StructType schema, String name, UnaryOperator<StructType> check) {
        DataType type = type(schema, name);
        if (!isArray(type)) return check.apply(schema);
        StructType checked = check.apply(withType(schema, name, new VectorUDT()));
        return withType(checked, name, type);
    }

    /** Whether column {@code name} is an array (else it is a vector), after {@link #validated}. */
    static boolean isArray(StructType schema, String name) {
        return isArray(type(schema, name));
    }

    /** The column as a vector column, for what takes only vectors. */
    static Column asVector(StructType schema, String name) {
        Column c = org.apache.spark.sql.functions.col(name);
        return isArray(schema, name) ? org.apache.spark.ml.functions.array_to_vector(c) : c;
    }

    private static DataType type(StructType schema, String name) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new UsageException("the features column '" + name + "' does not exist; the columns are "
                    + String.join(", ", schema.fieldNames()));
        }
        DataType type = schema.apply(name).dataType();
        if (type instanceof VectorUDT || isArray(type)) return type;
        throw new UsageException("the features column '" + name + "' is " + type.simpleString()
                + "; it must be a vector, array<float> or array<double>");
    }

    private static boolean isArray(DataType type) {
        return type instanceof ArrayType a
                && (a.elementType().equals(DataTypes.FloatType)
                        || a.elementType().equals(DataTypes.DoubleType));
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
