package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.data.HeapBudget;
import dev.lockstep.data.HoldOut;
import dev.lockstep.train.rows.FrameRows;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.SparkThrowable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Rows from any Spark data source ({@code --format parquet|orc|json|csv|...}, or {@code table} for a catalog table by
 * name), read by the executors into {@link FrameRows}: a features column and a label column.
 */
public final class TableInputs {
    /** The {@code --format} that names a catalog table instead of a location. */
    public static final String TABLE = "table";
    /** The shuffled order (4), the held flags (1), both parts (4), the selections' copies (4), their broadcast (4). */
    static final long HOLD_OUT_BYTES_PER_ROW = 17;

    private final SparkSession spark;
    private final String format;
    private final String featuresCol;
    private final String labelCol;
    private final Map<String, String> options;

    private TableInputs(
            SparkSession spark, String format, String featuresCol, String labelCol, Map<String, String> options) {
        this.spark = spark;
        this.format = format;
        this.featuresCol = featuresCol;
        this.labelCol = labelCol;
        this.options = Map.copyOf(options);
    }

    /**
     * A reader on {@code sc}, in a session of its own. Its file sources split files into partitions of a size that
     * depends on nothing but the files: by default Spark aims at as many splits as the default parallelism
     * ({@code spark.sql.files.minPartitionNum}), and since it reads a directory's splits largest first, a different
     * master could give the rows in another order, and so another model. One split per 128 MB
     * ({@code spark.sql.files.maxPartitionBytes}) whatever the master keeps the order, and the model, the same.
     */
    public static TableInputs on(JavaSparkContext sc, String format, String featuresCol, String labelCol) {
        SparkSession spark =
                SparkSession.builder().sparkContext(sc.sc()).getOrCreate().newSession();
        spark.conf().set("spark.sql.files.minPartitionNum", "1");
        return new TableInputs(spark, format, featuresCol, labelCol, Map.of());
    }

    /**
     * This reader with {@code options} handed to the data source ({@code DataFrameReader.option}): e.g. a CSV file's
     * {@code header} and {@code inferSchema}, JSON's {@code multiLine}.
     */
    public TableInputs withOptions(Map<String, String> options) {
        return new TableInputs(spark, format, featuresCol, labelCol, options);
    }

    /** The rows at {@code location} (a path, or a table's name), checked: a Spark job. */
    public FrameRows rows(String location) {
        String source = format + " " + location;
        return FrameRows.of(assembled(read(location), source), featuresCol, labelCol, source);
    }

    /**
     * With a features column of several names ({@code a,b,c}), their numbers as one array column of that name, in
     * the order given: scalar columns (a CSV file's) need no VectorAssembler first.
     */
    private Dataset<Row> assembled(Dataset<Row> df, String source) {
        if (!featuresCol.contains(",")) return df;
        String[] names = featuresCol.split(",", -1);
        Column[] columns = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            StructField field = numericField(df, names[i].strip(), source);
            columns[i] = df.col("`" + field.name().replace("`", "``") + "`").cast(DataTypes.DoubleType);
        }
        return df.withColumn(featuresCol, functions.array(columns));
    }

    private static StructField numericField(Dataset<Row> df, String name, String source) {
        for (StructField f : df.schema().fields()) {
            if (!f.name().equalsIgnoreCase(name)) continue;
            if (!(f.dataType() instanceof NumericType)) {
                throw new UsageException(String.format(
                        "%s: features column '%s' is %s; columns listed in --features-col must be numbers",
                        source, f.name(), f.dataType().simpleString()));
            }
            return f;
        }
        throw new UsageException(String.format(
                "%s: no features column '%s' (its columns: %s)",
                source,
                name,
                java.util.Arrays.stream(df.schema().fields())
                        .map(f -> f.name() + " " + f.dataType().simpleString())
                        .collect(Collectors.joining(", "))));
    }

    /**
     * The training rows and the test rows, or without {@code test} a seeded hold-out of the training rows: the same
     * rows by index as a hold-out of files ({@link HoldOut#rows}). With {@code selecting}, for a run that chooses
     * between its epochs, the epochs are evaluated on the seeded hold-out even when there is a test set, which is kept
     * apart ({@link TrainingInputs#test()}).
     */
    public TrainingInputs open(String train, String test, double validationFraction, long seed, boolean selecting) {
        FrameRows trainRows = rows(train);
        if (test != null && !selecting) {
            FrameRows testRows;
            try {
                testRows = rows(test);
            } catch (RuntimeException e) {
                trainRows.close();
                throw e;
            }
            return new TrainingInputs(trainRows, testRows, "test", format + " " + train + ", test " + test);
        }
        FrameRows testRows = null;
        try (trainRows) { // the two parts hold the rows from here
            testRows = test == null ? null : rows(test);
            checkHoldOut(trainRows.describe(), trainRows.count(), HeapBudget.JVM);
            HoldOut.Rows split = HoldOut.rows((int) trainRows.count(), validationFraction, seed, trainRows.describe());
            return new TrainingInputs(
                    trainRows.select(split.train(), "training"),
                    trainRows.select(split.validation(), "validation"),
                    "validation",
                    test == null ? trainRows.describe() : format + " " + train + ", test " + test,
                    testRows);
        } catch (RuntimeException e) {
            if (testRows != null) testRows.close();
            throw e;
        }
    }

    /**
     * A hold-out of {@code count} rows is two lists of row numbers on the driver, built from a shuffled list of them
     * all and shipped to the executors: {@value #HOLD_OUT_BYTES_PER_ROW} bytes a row at most, counted before any is
     * allocated. Java arrays stop short of 2^31 elements.
     */
    static void checkHoldOut(String source, long count, HeapBudget budget) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new LockstepException(String.format(
                    Locale.ROOT,
                    "%s: %,d rows are too many to hold out validation rows from (at most %,d);"
                            + " give a test set (--test)",
                    source,
                    count,
                    Integer.MAX_VALUE - 8));
        }
        long bytes = HOLD_OUT_BYTES_PER_ROW * count;
        if (!budget.fits(bytes)) {
            throw new LockstepException(source + ": holding out validation rows from "
                    + String.format(Locale.ROOT, "%,d", count) + " rows needs "
                    + HeapBudget.mb(bytes) + " of driver heap, more than the " + budget.describe()
                    + "; give a test set (--test), or " + HeapBudget.RAISE);
        }
    }

    private Dataset<Row> read(String location) {
        try {
            return format.equals(TABLE)
                    ? spark.read().options(options).table(location)
                    : spark.read().format(format).options(options).load(location);
        } catch (Exception e) { // AnalysisException is checked, though Scala does not declare it
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            if (e instanceof SparkThrowable t && "DATA_SOURCE_NOT_FOUND".equals(t.getErrorClass())) {
                throw new UsageException("bad value '" + format + "' for --format: Spark has no such data source ("
                        + "parquet, orc, json, csv, text, avro with its package, ..., or table)");
            }
            throw new LockstepException("cannot read " + format + " " + location + ": " + why, e);
        }
    }
}
