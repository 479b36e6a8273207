package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.UsageException;
import dev.lockstep.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, then conf/lockstep.conf, then spark.lockstep.* Spark conf keys, then flags. */
class SettingsResolutionTest {
    @TempDir
    Path confDir;

    @Test
    void laterSourcesWinAndEachValueRemembersWhereItCameFrom() throws Exception {
        Files.writeString(
                confDir.resolve("lockstep.conf"),
                "spark.lockstep.epochs 20\nspark.lockstep.batch 64\nspark.lockstep.seed 5\n");
        Files.writeString(confDir.resolve("spark-defaults.conf"), "spark.locality.wait 0s\n");
        SparkSetup.ConfFiles files = SparkSetup.ConfFiles.load(confDir.toString());
        SparkConf spark = new SparkConf(false);
        files.entries().forEach(spark::setIfMissing);
        spark.set("spark.lockstep.batch", "32"); // as from spark-submit --conf
        spark.set("spark.lockstep.seed", "5"); // same as the file: still the file's value
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.EPOCHS, "3");

        ResolvedSettings s = TrainCommand.resolve(files, spark, flags);
        TrainConfig c = TrainCommand.toConfig(s);
        assertEquals(3, c.epochs());
        assertEquals(32, c.batchSize());
        assertEquals(5, c.seed());
        assertEquals("--epochs", c.sources().get("epochs"));
        assertEquals("spark conf spark.lockstep.batch", c.sources().get("batch"));
        assertEquals(confDir + "/lockstep.conf", c.sources().get("seed"));
        assertEquals("default", c.sources().get("layers"));
        assertEquals("0s", spark.get("spark.locality.wait"));
    }

    @Test
    void badValuesNameTheSettingAndItsSource() {
        SparkConf spark = new SparkConf(false).set("spark.lockstep.lr", "fast");
        ResolvedSettings s = TrainCommand.resolve(SparkSetup.ConfFiles.load(null), spark, Map.of());
        String msg = assertThrows(UsageException.class, () -> TrainCommand.toConfig(s))
                .getMessage();
        assertTrue(msg.contains("'fast'") && msg.contains("--lr") && msg.contains("spark.lockstep.lr"), msg);

        Map<Setting, String> zero = Map.of(Setting.PARTITIONS_PER_TASK, "0");
        String perTask = assertThrows(
                        UsageException.class,
                        () -> TrainCommand.toConfig(
                                TrainCommand.resolve(SparkSetup.ConfFiles.load(null), new SparkConf(false), zero)))
                .getMessage();
        assertTrue(perTask.contains("--partitions-per-task") && perTask.contains("'0'"), perTask);
        assertEquals(
                OptionalInt.of(3),
                TrainCommand.toConfig(TrainCommand.resolve(
                                SparkSetup.ConfFiles.load(null),
                                new SparkConf(false),
                                Map.of(Setting.PARTITIONS_PER_TASK, "3")))
                        .partitionsPerTask());

        Map<Setting, String> none = Map.of();
        SparkConf zeroEpochs = new SparkConf(false).set("spark.lockstep.epochs", "0");
        assertEquals(
                "bad value '0' for --epochs (from spark conf spark.lockstep.epochs): expected a whole number of "
                        + "epochs, 1 or more",
                assertThrows(
                                UsageException.class,
                                () -> TrainCommand.toConfig(
                                        TrainCommand.resolve(SparkSetup.ConfFiles.load(null), zeroEpochs, none)))
                        .getMessage());

        SparkConf typo = new SparkConf(false).set("spark.lockstep.epoch", "3");
        String unknown = assertThrows(
                        UsageException.class,
                        () -> TrainCommand.resolve(SparkSetup.ConfFiles.load(null), typo, Map.of()))
                .getMessage();
        assertTrue(unknown.contains("unknown setting spark.lockstep.epoch"), unknown);
    }

    @Test
    void theShippedConfFileParsesToTheBuiltInDefaults() {
        Path conf = TestData.projectDir().resolve("conf");
        SparkSetup.ConfFiles files = SparkSetup.ConfFiles.load(conf.toString());
        SparkConf spark = new SparkConf(false);
        files.entries().forEach(spark::setIfMissing);
        TrainConfig fromFile = TrainCommand.toConfig(TrainCommand.resolve(files, spark, Map.of()));
        TrainConfig builtIn = TrainConfig.builder().build();
        assertEquals(builtIn.toMap(), fromFile.toMap());
    }

    @Test
    void aFlagSetsAsideTheOtherSideOfAnExclusivePairFromAConfFile() throws Exception {
        Files.writeString(
                confDir.resolve("lockstep.conf"),
                "spark.lockstep.out hdfs:///models/nightly\nspark.lockstep.data /d\n");
        SparkSetup.ConfFiles files = SparkSetup.ConfFiles.load(confDir.toString());
        SparkConf spark = new SparkConf(false);
        files.entries().forEach(spark::setIfMissing);
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.REGISTRY, "/registry");
        flags.put(Setting.TRAIN, "/t.csv");
        ResolvedSettings s = TrainCommand.resolve(files, spark, flags);
        s.preferFlag(Setting.OUT, Setting.REGISTRY);
        s.preferFlag(Setting.DATA, Setting.TRAIN);
        assertTrue(s.has(Setting.REGISTRY) && !s.has(Setting.OUT));
        assertTrue(s.has(Setting.TRAIN) && !s.has(Setting.DATA));

        ResolvedSettings both = TrainCommand.resolve(files, spark, Map.of(Setting.OUT, "/o", Setting.REGISTRY, "/r"));
        both.preferFlag(Setting.OUT, Setting.REGISTRY);
        assertTrue(both.has(Setting.OUT) && both.has(Setting.REGISTRY), "two flags still clash");
    }
}
