package dev.lockstep.train.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.LockstepException;
import dev.lockstep.SharedSpark;
import dev.lockstep.UsageException;
import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.HoldOut;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import dev.lockstep.data.TabularData;
import dev.lockstep.model.ModelFile;
import dev.lockstep.train.RunPlan;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.reflect.ClassTag$;

/** DataFrame rows: every accepted column form, byte detection, the one-line refusals, and a layout by row order. */
class FrameRowsTest {
    private static final SparkSession SPARK = TabularData.spark();

    @TempDir
    Path tmp;

    private static List<List<RowBlock>> collect(RowSource source, int partitions) {
        return source.blocks(SharedSpark.context(), partitions).glom().collect();
    }

    /** Checks the blocks of {@code rows} hold exactly {@code data}'s rows, in order, laid out as every source is. */
    private static void assertHolds(TabularData data, FrameRows rows, int partitions) {
        List<List<RowBlock>> parts = collect(rows, partitions);
        long[] bounds = RowBlocks.partitionBounds(data.rows(), partitions);
        assertEquals(partitions, parts.size());
        for (int p = 0; p < partitions; p++) {
            long next = bounds[p];
            for (RowBlock b : parts.get(p)) {
                assertEquals(next, b.firstRow(), "partition " + p);
                assertEquals(data.features(), b.features());
                assertEquals(rows.byteFeatures(), b.isBytes());
                for (int i = 0; i < b.count(); i++) {
                    int row = (int) b.firstRow() + i;
                    assertEquals(data.label(row), b.label(i), "label of row " + row);
                    for (int f = 0; f < data.features(); f++) {
                        assertEquals((float) data.value(row, f), b.raw(i, f), "row " + row + " feature " + f);
                    }
                }
                next = b.endRow();
            }
            assertEquals(bounds[p + 1], next, "partition " + p + " ends where its bounds say");
        }
    }

    @Test
    void denseVectorsOfThreeClasses() {
        TabularData data = TabularData.generate(3, 101, 3, 7, 1.0);
        FrameRows rows = FrameRows.of(data.vectorFrame(SPARK).repartition(3), "features", "label", "dense");
        assertEquals(101, rows.count());
        assertEquals(1, rows.height());
        assertEquals(7, rows.width());
        assertEquals(7, rows.features());
        assertEquals(2, rows.maxLabel());
        assertFalse(rows.byteFeatures());
        assertHolds(data, FrameRows.of(data.vectorFrame(SPARK), "features", "label", "dense"), 3);
    }

    @Test
    void sparseVectorsAndArraysGiveTheSameRowsAsDenseVectors() {
        TabularData data = TabularData.generate(4, 60, 4, 9, 100.0).withZeros(5, 0.7);
        FrameRows dense = FrameRows.of(data.vectorFrame(SPARK), "features", "label", "dense");
        FrameRows sparse = FrameRows.of(data.sparseFrame(SPARK), "features", "label", "sparse");
        FrameRows arrays = FrameRows.of(data.arrayFrame(SPARK), "features", "label", "arrays");
        assertHolds(data, sparse, 2);
        assertHolds(data, arrays, 4);
        assertEquals(dense.fingerprint(), sparse.fingerprint(), "the content, not its encoding");
        assertEquals(dense.fingerprint(), arrays.fingerprint());
    }

    @Test
    void integerFeaturesFrom0To255AreByteRows() {
        TabularData data = TabularData.bytes(6, 80, 26, 12);
        FrameRows rows = FrameRows.of(data.arrayFrame(SPARK), "features", "label", "bytes");
        assertTrue(rows.byteFeatures());
        assertEquals(25, rows.maxLabel(), "26 classes");
        assertHolds(data, rows, 3);
        // One value off the byte grid makes every row a float row.
        List<Row> list = new ArrayList<>(data.vectorFrame(SPARK).collectAsList());
        list.set(40, RowFactory.create(Vectors.dense(0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 1.0));
        assertFalse(FrameRows.of(frame(list), "features", "label", "x").byteFeatures());
        list.set(40, RowFactory.create(Vectors.dense(256, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 1.0));
        assertFalse(FrameRows.of(frame(list), "features", "label", "x").byteFeatures());
    }

    @Test
    void sameRowsInTheSameOrderMakeTheSameBlocksHoweverTheFrameIsPartitioned() {
        TabularData data = TabularData.generate(7, 90, 3, 5, 10.0);
        String path = tmp.resolve("rows.parquet").toString();
        // One file: Spark reads a directory's files largest first, so several files need not keep the order.
        data.vectorFrame(SPARK).coalesce(1).write().parquet(path);
        FrameRows fromFile = FrameRows.of(SPARK.read().parquet(path), "features", "label", "file");
        FrameRows inMemory = FrameRows.of(data.vectorFrame(SPARK).repartition(5), "features", "label", "memory");
        // repartition() shuffles rows round-robin: not the same order, so its fingerprint must differ.
        assertNotEquals(fromFile.fingerprint(), inMemory.fingerprint());
        FrameRows sameOrder = FrameRows.of(data.vectorFrame(SPARK), "features", "label", "memory");
        assertEquals(fromFile.fingerprint(), sameOrder.fingerprint());
        assertHolds(data, fromFile, 2);
        assertHolds(data, sameOrder, 2);
        assertHolds(data, fromFile, 2); // again: the same blocks
    }

    /** The model depends on the rows and their order, not on how the DataFrame happens to be partitioned. */
    @Test
    void aFileAndTheSameRowsInMemoryTrainTheSameModelBitForBit() {
        TabularData data = TabularData.generate(12, 400, 4, 6, 20.0);
        TabularData heldOut = TabularData.generate(13, 80, 4, 6, 20.0);
        String path = tmp.resolve("train.parquet").toString();
        data.arrayFrame(SPARK).coalesce(1).write().parquet(path);
        Dataset<Row> fromFile = SPARK.read().parquet(path);
        Dataset<Row> inMemory = data.arrayFrame(SPARK);
        assertEquals(1, fromFile.javaRDD().getNumPartitions());
        assertEquals(2, inMemory.javaRDD().getNumPartitions(), "partitioned differently, rows in the same order");
        FrameRows eval = FrameRows.of(heldOut.vectorFrame(SPARK), "features", "label", "eval");
        TrainConfig config = TrainConfig.builder()
                .layers(new int[] {6, 16, 4})
                .epochs(2)
                .batchSize(50)
                .partitions(2)
                .augmentShift(0)
                .seed(5)
                .build();
        float[] a = fit(config, FrameRows.of(fromFile, "features", "label", "file"), eval);
        float[] b = fit(config, FrameRows.of(inMemory, "features", "label", "memory"), eval);
        assertArrayEquals(FloatBits.of(a), FloatBits.of(b));
        float[] shuffled = fit(config, FrameRows.of(inMemory.repartition(3), "features", "label", "x"), eval);
        assertFalse(Arrays.equals(a, shuffled), "another row order is another model");
    }

    private static float[] fit(TrainConfig config, RowSource train, RowSource eval) {
        RunPlan plan = RunPlan.of(config, train, eval, "test");
        return new Trainer(SharedSpark.context(), List.of())
                .fit(plan.placedOn(SharedSpark.context()), Optional.empty())
                .parameters();
    }

    @Test
    void holdOutSelectsRowsByIndex() {
        TabularData data = TabularData.generate(8, 50, 3, 4, 1.0);
        FrameRows all = FrameRows.of(data.vectorFrame(SPARK), "features", "label", "all");
        HoldOut.Rows split = HoldOut.rows(50, 0.2, 1, "all");
        FrameRows validation = all.select(split.validation(), "validation");
        assertEquals(10, validation.count());
        List<RowBlock> blocks = new ArrayList<>();
        collect(validation, 3).forEach(blocks::addAll);
        int k = 0;
        for (RowBlock b : blocks) {
            for (int i = 0; i < b.count(); i++, k++) {
                int row = split.validation()[k];
                assertEquals(data.label(row), b.label(i));
                assertEquals((float) data.value(row, 3), b.raw(i, 3));
            }
        }
        assertEquals(10, k);
        assertNotEquals(all.fingerprint(), validation.fingerprint());
        validation.close();
    }

    /** Set while a test wants its DataFrame to read differently the second time (executors share this JVM). */
    private static final AtomicBoolean CHANGED = new AtomicBoolean();

    /**
     * A row found bad while the blocks are built (the input changed after it was checked) ends the caching job with
     * its own line, as a DataError, not as a failed and retried task.
     */
    @Test
    void aRowThatTurnsBadOnTheExecutorsIsOneLine() {
        UserDefinedFunction label = functions
                .udf((UDF1<Double, Double>) y -> CHANGED.get() && y == 2 ? -1.0 : y, DataTypes.DoubleType)
                .asNondeterministic();
        String path = tmp.resolve("changing.parquet").toString();
        TabularData.generate(14, 30, 3, 4, 1.0).vectorFrame(SPARK).write().parquet(path);
        // Read from a file: over rows in memory, Spark would apply the function once, while planning.
        Dataset<Row> df = SPARK.read().parquet(path).withColumn("label", label.apply(functions.col("label")));
        FrameRows rows = FrameRows.of(df, "features", "label", "src");
        // The first caching reads the copy persisted by the first pass, and releases it: later ones read the file.
        try (CachedRows first = CachedRows.cache(SharedSpark.context(), rows, 2, "first")) {
            assertEquals(30, first.rows());
        }
        CHANGED.set(true);
        try {
            DataFormatException e = assertThrows(
                    DataFormatException.class, () -> CachedRows.cache(SharedSpark.context(), rows, 2, "changed"));
            assertTrue(
                    e.getMessage().matches("src: row [0-9]+: label -1 is not a class number \\(.*\\)"), e.getMessage());
        } finally {
            CHANGED.set(false);
        }
        try (CachedRows again = CachedRows.cache(SharedSpark.context(), rows, 2, "unchanged")) {
            assertEquals(30, again.rows());
        }
    }

    /** How often each partition of a {@link #reordering} DataFrame was computed (executors share this JVM). */
    private static final ConcurrentHashMap<String, AtomicInteger> READS = new ConcurrentHashMap<>();

    /** A partition's rows in their order on its first computation, reversed on every later one. */
    private static final class Reorder implements Function2<Integer, Iterator<Row>, Iterator<Row>> {
        private static final long serialVersionUID = 1L;
        private final String key;

        Reorder(String key) {
            this.key = key;
        }

        @Override
        public Iterator<Row> call(Integer partition, Iterator<Row> rows) {
            List<Row> list = new ArrayList<>();
            rows.forEachRemaining(list::add);
            int reads = READS.computeIfAbsent(key + "/" + partition, k -> new AtomicInteger())
                    .getAndIncrement();
            if (reads > 0) Collections.reverse(list);
            return list.iterator();
        }
    }

    /** Rows 0..19 (row i: label i % 3, features i, i / 2, -i) in two partitions of ten, read as {@link Reorder}. */
    private static Dataset<Row> reordering(String key) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) rows.add(RowFactory.create(Vectors.dense(i, i / 2.0, -i), (double) (i % 3)));
        JavaRDD<Row> rdd = SharedSpark.context().parallelize(rows, 2).mapPartitionsWithIndex(new Reorder(key), false);
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), true)
                .add("label", DataTypes.DoubleType, true);
        return SPARK.createDataFrame(rdd, schema);
    }

    /** Checks that cached blocks hold rows {@code rows[k]} of {@link #reordering}, k = 0, 1, ... in order. */
    private static void assertRows(CachedRows cached, int[] rows) {
        int k = 0;
        for (RowBlock b : cached.rdd().collect()) {
            for (int i = 0; i < b.count(); i++, k++) {
                assertEquals(rows[k] % 3, b.label(i), "label of row " + k);
                assertEquals((float) -rows[k], b.raw(i, 2), "row " + k);
            }
        }
        assertEquals(rows.length, k);
    }

    /**
     * A DataFrame that gives its rows in another order each time it is computed (as after a shuffle of the user's)
     * trains on the rows the first pass checked, read from the copy it persisted; once that copy is released, a
     * second reading (a lost partition computed again) is refused in one line rather than taken in another order.
     */
    @Test
    void rowsThatComeInAnotherOrderOnASecondReadingAreNeverTakenInSilence() {
        JavaSparkContext sc = SharedSpark.context();
        int[] all = new int[20];
        for (int i = 0; i < 20; i++) all[i] = i;
        String refusal = "reordered: the DataFrame gave its rows in another order on a second reading; give it a"
                + " deterministic order, e.g. sort by a key or read files";

        FrameRows rows = FrameRows.of(reordering("whole"), "features", "label", "reordered");
        try (CachedRows cached = CachedRows.cache(sc, rows, 3, "persisted")) {
            assertRows(cached, all); // the persisted first reading, not the reversed second one
        }
        assertEquals(1, READS.get("whole/0").get(), "the blocks were built from the persisted copy");
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> CachedRows.cache(sc, rows, 3, "read again"));
        assertEquals(refusal, e.getMessage());
        assertEquals(2, READS.get("whole/0").get());

        // A hold-out's two parts share the persisted copy until the second of them is cached.
        FrameRows root = FrameRows.of(reordering("split"), "features", "label", "reordered");
        HoldOut.Rows split = HoldOut.rows(20, 0.3, 4, "split");
        FrameRows train = root.select(split.train(), "training");
        FrameRows validation = root.select(split.validation(), "validation");
        root.close();
        try (CachedRows t = CachedRows.cache(sc, train, 2, "train");
                CachedRows v = CachedRows.cache(sc, validation, 2, "validation")) {
            assertRows(t, split.train());
            assertRows(v, split.validation());
        }
        assertEquals(1, READS.get("split/1").get());
        e = assertThrows(DataFormatException.class, () -> CachedRows.cache(sc, validation, 2, "again"));
        assertEquals(refusal.replace("reordered", validation.describe()), e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static <T> T kryoRoundTrip(T value) {
        SerializerInstance kryo = new KryoSerializer(new SparkConf(false)).newInstance();
        return (T) kryo.deserialize(kryo.serialize(value, ClassTag$.MODULE$.Any()), ClassTag$.MODULE$.Any());
    }

    /** Summaries, shipped rows and persisted rows: all go through Kryo on clusters. */
    @Test
    void summariesAndShippedRowsSurviveKryo() {
        FrameSummary s = new FrameSummary();
        s.count = 7;
        s.width = 3;
        s.bytes = false;
        s.maxLabel = 25;
        s.hash = -5;
        s.error = "feature 1 is NaN";
        s.errorRow = 4;
        FrameSummary back = kryoRoundTrip(s);
        assertEquals(
                List.of(7L, 3, false, 25, -5L, "feature 1 is NaN", 4L),
                List.of(back.count, back.width, back.bytes, back.maxLabel, back.hash, back.error, back.errorRow));
        FrameBlocks.Shipped row = new FrameBlocks.Shipped();
        row.label = 300;
        row.floats = new float[] {1.5f, -2f};
        FrameBlocks.Shipped shipped = kryoRoundTrip(row);
        assertEquals(300, shipped.label);
        assertArrayEquals(row.floats, shipped.floats);
        // The selected columns are persisted serialized: as rows with a sparse or dense vector, or an array.
        TabularData data = TabularData.generate(3, 4, 2, 5, 1.0).withZeros(1, 0.5);
        for (Dataset<Row> df : List.of(data.sparseFrame(SPARK), data.vectorFrame(SPARK), data.arrayFrame(SPARK))) {
            Row original = df.select("features", "label").javaRDD().first();
            assertEquals(original, kryoRoundTrip(original));
        }
    }

    // ---- refusals: one line each ----

    private static Dataset<Row> frame(List<Row> rows) {
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), true)
                .add("label", DataTypes.DoubleType, true);
        return SPARK.createDataFrame(rows, schema);
    }

    private static Dataset<Row> withRow(int at, Object features, Object label) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) rows.add(RowFactory.create(Vectors.dense(1, 2, 3), (double) (i % 3)));
        rows.set(at, RowFactory.create(features, label));
        return frame(rows);
    }

    private static String refused(Class<? extends LockstepException> type, Dataset<Row> df, String f, String l) {
        LockstepException e = assertThrows(type, () -> FrameRows.of(df, f, l, "src"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("src: "), e.getMessage());
        return e.getMessage();
    }

    private static String badRow(int at, Object features, Object label) {
        // One partition, rows in order (coalesce does not shuffle).
        return refused(DataFormatException.class, withRow(at, features, label).coalesce(1), "features", "label");
    }

    @Test
    void missingColumnsAndWrongTypesAreUsageErrors() {
        Dataset<Row> df = withRow(0, Vectors.dense(1, 2, 3), 0.0);
        assertEquals(
                "src: no features column 'feats' (its columns: features vector, label double)",
                refused(UsageException.class, df, "feats", "label"));
        assertTrue(refused(UsageException.class, df, "features", "y").contains("no label column 'y'"));
        Dataset<Row> strings = df.selectExpr("features", "cast(label as string) as label", "'a' as text");
        assertEquals(
                "src: label column 'label' is string; expected a numeric column of class numbers 0, 1, 2, ...",
                refused(UsageException.class, strings, "features", "label"));
        assertTrue(refused(UsageException.class, strings, "text", "features")
                .contains("features column 'text' is string; expected a vector"));
        assertTrue(refused(UsageException.class, df.selectExpr("array('a') as f", "label"), "f", "label")
                .contains("is array<string>"));
        // Case-insensitive, as Spark resolves names; and integral labels of any numeric type are fine.
        FrameRows rows = FrameRows.of(
                df.selectExpr("features as Features", "cast(label as tinyint) as label"), "features", "LABEL", "x");
        assertEquals(20, rows.count());
    }

    @Test
    void badValuesNameTheRowAndFeature() {
        assertEquals("src: row 7: feature 1 is NaN", badRow(7, Vectors.dense(1, Double.NaN, 3), 0.0));
        assertEquals(
                "src: row 0: feature 2 is infinite", badRow(0, Vectors.dense(1, 2, Double.POSITIVE_INFINITY), 0.0));
        assertEquals(
                "src: row 3: feature 0 is 1.0E300, beyond float32's range", badRow(3, Vectors.dense(1e300, 2, 3), 0.0));
        assertEquals(
                "src: row 19: feature 1 is NaN",
                badRow(19, Vectors.sparse(3, new int[] {1}, new double[] {Double.NaN}), 0.0));
        assertEquals(
                "src: row 5: label 3.5 is not a class number (a whole number from 0 to 65535)",
                badRow(5, Vectors.dense(1, 2, 3), 3.5));
        assertTrue(badRow(5, Vectors.dense(1, 2, 3), -1.0).startsWith("src: row 5: label -1 is not a class number"));
        assertTrue(badRow(5, Vectors.dense(1, 2, 3), Double.NaN).startsWith("src: row 5: label NaN is not"));
        assertEquals("src: row 4: its label is null", badRow(4, Vectors.dense(1, 2, 3), null));
        assertEquals("src: row 4: its features are null", badRow(4, null, 1.0));
    }

    @Test
    void widthsMustAgreeAndStayWithinTheLimit() {
        assertEquals(
                "src: row 9: it has 4 features where the rows before it have 3",
                badRow(9, Vectors.dense(1, 2, 3, 4), 0.0));
        // Across input partitions (a local relation on local[2]: rows 0-9 and 10-19): the driver compares them.
        Dataset<Row> twoParts = withRow(10, Vectors.dense(1, 2, 3, 4), 0.0);
        assertEquals(2, twoParts.javaRDD().getNumPartitions());
        assertEquals(
                "src: row 10: it has 4 features where the rows before it have 3",
                refused(DataFormatException.class, twoParts, "features", "label"));
        int tooWide = ModelFile.MAX_LAYER_SIZE + 1;
        // A sparse vector this wide is a few bytes: it must be refused by its size, not densified first.
        String huge = badRow(2, Vectors.sparse(tooWide, new int[] {0}, new double[] {1}), 0.0);
        assertEquals("src: row 2: it has 65,537 features, more than the 65,536 a model's input layer can take", huge);
        List<Row> widest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            widest.add(RowFactory.create(
                    Vectors.sparse(ModelFile.MAX_LAYER_SIZE, new int[] {i}, new double[] {0.5}), (double) (i % 2)));
        }
        try (FrameRows rows = FrameRows.of(frame(widest), "features", "label", "widest")) {
            assertEquals(ModelFile.MAX_LAYER_SIZE, rows.width(), "the largest layer is a width a table may have");
        }
        Dataset<Row> empty = withRow(0, Vectors.dense(1, 2, 3), 0.0).limit(0);
        assertEquals("src: no rows", refused(DataFormatException.class, empty, "features", "label"));
    }
}
