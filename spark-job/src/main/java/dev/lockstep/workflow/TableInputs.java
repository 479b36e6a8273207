package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.data.HoldOut;
import dev.lockstep.train.rows.FrameRows;
import org.apache.spark.SparkThrowable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Rows from any Spark data source ({@code --format parquet|orc|json|csv|...}, or {@code table} for a catalog table by
 * name), read by the executors into {@link FrameRows}: a features column and a label column.
 */
public final class TableInputs {
    /** The {@code --format} that names a catalog table instead of a location. */
    public static final String TABLE = "table";

    private final SparkSession spark;
    private final String format;
    private final String featuresCol;
    private final String labelCol;

    private TableInputs(SparkSession spark, String format, String featuresCol, String labelCol) {
        this.spark = spark;
        this.format = format;
        this.featuresCol = featuresCol;
        this.labelCol = labelCol;
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
        return new TableInputs(spark, format, featuresCol, labelCol);
    }

    /** The rows at {@code location} (a path, or a table's name), checked: a Spark job. */
    public FrameRows rows(String location) {
        return FrameRows.of(read(location), featuresCol, labelCol, format + " " + location);
    }

    /**
     * The training rows and the test rows, or without {@code test} a seeded hold-out of the training rows: the same
     * rows by index as a hold-out of files ({@link HoldOut#rows}).
     */
    public TrainingInputs open(String train, String test, double validationFraction, long seed) {
        FrameRows trainRows = rows(train);
        if (test != null) {
            return new TrainingInputs(trainRows, rows(test), "test", format + " " + train + ", test " + test);
        }
        if (trainRows.count() > Integer.MAX_VALUE) {
            throw new LockstepException(trainRows.describe() + ": " + trainRows.count()
                    + " rows are too many to hold out validation rows from; give a test set");
        }
        HoldOut.Rows split = HoldOut.rows((int) trainRows.count(), validationFraction, seed, trainRows.describe());
        return new TrainingInputs(
                trainRows.select(split.train(), "training"),
                trainRows.select(split.validation(), "validation"),
                "validation",
                trainRows.describe());
    }

    private Dataset<Row> read(String location) {
        try {
            return format.equals(TABLE)
                    ? spark.read().table(location)
                    : spark.read().format(format).load(location);
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
