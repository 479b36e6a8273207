package dev.lockstep.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thin job jar under spark-submit, and the launcher, train the same model from the same settings. */
class SparkSubmitIT {
    @TempDir
    Path tmp;

    @Test
    void sparkSubmitOfTheThinJarMatchesTheLauncherBitForBit() throws Exception {
        Path project = TestData.projectDir();
        List<String> common = List.of(
                "--data",
                TestData.sampleDir().toString(),
                "--layers",
                "784,32,10",
                "--partitions",
                "2",
                "--seed",
                "3",
                "--batch",
                "100");

        Path submitted = tmp.resolve("submitted");
        List<String> submit = new ArrayList<>(List.of(
                "--master",
                "local[2]",
                "--conf",
                "spark.ui.enabled=false",
                "--properties-file",
                project.resolve("conf/lockstep.conf").toString(),
                "--conf",
                "spark.lockstep.epochs=1",
                "--class",
                "dev.lockstep.cli.Main",
                Processes.jobJar().toString(),
                "train",
                "--out",
                submitted.toString()));
        submit.addAll(common);
        Processes.Result s = Processes.run(Processes.sparkSubmit(submit), project, 300);
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().contains("[lockstep] done"), s.err());

        Path launched = tmp.resolve("launched");
        List<String> launch = new ArrayList<>(List.of(
                Processes.launcher().toString(),
                "train",
                "--master",
                "local[2]",
                "--epochs",
                "1",
                "--out",
                launched.toString()));
        launch.addAll(common);
        Processes.Result l = Processes.run(launch, project, 300);
        assertEquals(0, l.code(), l.err());

        assertArrayEquals(
                Files.readAllBytes(launched.resolve("model.lsm")), Files.readAllBytes(submitted.resolve("model.lsm")));
        Map<String, Object> metrics = Json.readMap(
                new Configuration(), submitted.resolve("metrics.json").toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> sources = (Map<String, Object>) metrics.get("config_sources");
        assertEquals("spark conf spark.lockstep.epochs", sources.get("epochs"));
        assertEquals("--seed", sources.get("seed"));
        assertEquals("spark conf spark.lockstep.optimizer", sources.get("optimizer")); // from --properties-file
        assertEquals(1, ((Number) metrics.get("epochs")).intValue());
    }
}
