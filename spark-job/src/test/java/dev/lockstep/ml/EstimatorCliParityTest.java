package dev.lockstep.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.cli.CommandRun;
import dev.lockstep.data.TabularData;
import dev.lockstep.model.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimator and {@code lockstep train} on the same Parquet rows and settings write the same model file. */
class EstimatorCliParityTest {
    private final SparkSession spark = TabularData.spark();

    @TempDir
    Path tmp;

    @Test
    void floatRowsGiveTheSameModelBytes() throws Exception {
        assertSameModel(TabularData.generate(31, 400, 4, 7, 100), "float");
    }

    @Test
    void byteRowsGiveTheSameModelBytes() throws Exception {
        assertSameModel(TabularData.bytes(32, 300, 3, 16), "bytes");
    }

    private void assertSameModel(TabularData data, String name) throws Exception {
        String train = tmp.resolve(name + "-train.parquet").toString();
        String test = tmp.resolve(name + "-test.parquet").toString();
        data.vectorFrame(spark).write().parquet(train);
        TabularData.generate(99, 50, data.classes(), data.features(), 1)
                .vectorFrame(spark)
                .write()
                .parquet(test);
        String layers = data.features() + ",12," + data.classes();

        Path out = tmp.resolve(name + "-cli");
        CommandRun.Outcome o = CommandRun.run(
                "train",
                "--format",
                "parquet",
                "--train",
                train,
                "--test",
                test,
                "--out",
                out.toString(),
                "--layers",
                layers,
                "--epochs",
                "3",
                "--batch",
                "32",
                "--optimizer",
                "momentum",
                "--weight-decay",
                "0.001",
                "--partitions",
                "3",
                "--seed",
                "7",
                "--no-report");
        assertEquals(0, o.code(), o.err());

        Dataset<Row> rows = spark.read().parquet(train);
        LockstepClassificationModel model = new LockstepClassifier()
                .setLayers(new int[] {data.features(), 12, data.classes()})
                .setMaxIter(3)
                .setBlockSize(32)
                .setOptimizer("momentum")
                .setWeightDecay(0.001)
                .setNumPartitions(3)
                .setSeed(7)
                .fit(rows);
        Path saved = tmp.resolve(name + "-estimator");
        model.write().save(saved.toString());

        byte[] cli = Files.readAllBytes(out.resolve("model.lsm"));
        byte[] estimator = Files.readAllBytes(saved.resolve("data").resolve("model.lsm"));
        assertArrayEquals(cli, estimator, "model.lsm of train and of the estimator");

        LockstepClassificationModel fromCli = LockstepClassificationModel.of(
                ModelFile.read(new Configuration(), out.resolve("model.lsm").toString()));
        assertEquals(
                model.transform(rows).select("probability", "prediction").collectAsList(),
                fromCli.transform(rows).select("probability", "prediction").collectAsList(),
                "a model trained by the command scores DataFrames as the estimator's does");
    }
}
