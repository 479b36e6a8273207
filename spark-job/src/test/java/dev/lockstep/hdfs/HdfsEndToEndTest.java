package dev.lockstep.hdfs;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.cli.CommandRun.Outcome;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.Json;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.Registry;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lockstep against a real (in-process) HDFS: prepare and train with hdfs:// URIs, the model identical to training
 * from the IDX files, and atomic overwrites on HDFS.
 */
class HdfsEndToEndTest {
    private static final String[] SMALL = {
        "--layers", "784,32,10", "--epochs", "1", "--batch", "100", "--partitions", "2"
    };

    private static MiniDFSCluster cluster;
    private static FileSystem fs;
    private static String root;

    @BeforeAll
    static void startHdfs() throws IOException {
        File base = new File("target/minidfs-" + HdfsEndToEndTest.class.getSimpleName()).getAbsoluteFile();
        FileUtil.fullyDelete(base);
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getPath());
        conf.set(DFSConfigKeys.DFS_NAMENODE_RPC_BIND_HOST_KEY, "127.0.0.1");
        conf.set("dfs.datanode.hostname", "127.0.0.1");
        conf.setBoolean("dfs.namenode.http.bind-host.enabled", false);
        cluster = new MiniDFSCluster.Builder(conf)
                .numDataNodes(1)
                .checkDataNodeHostConfig(true)
                .build();
        cluster.waitActive();
        fs = cluster.getFileSystem();
        root = fs.getUri().toString();
        for (File f : TestData.sampleDir().toFile().listFiles()) {
            fs.copyFromLocalFile(
                    new org.apache.hadoop.fs.Path(f.getPath()),
                    new org.apache.hadoop.fs.Path(root + "/in/" + f.getName()));
        }
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) cluster.shutdown(true);
    }

    private static String[] train(String data, String out) {
        String[] head = {"train", "--data", data, "--out", out};
        String[] all = Arrays.copyOf(head, head.length + SMALL.length);
        System.arraycopy(SMALL, 0, all, head.length, SMALL.length);
        return all;
    }

    private static byte[] read(String uri) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
            return in.readAllBytes();
        }
    }

    @Test
    void preparesAndTrainsOnHdfsToTheSameModelAsFromIdx() throws IOException {
        Outcome prepared = run("prepare", "--data", root + "/in", "--out", root + "/prepared");
        assertEquals(0, prepared.code(), prepared.err());
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root + "/prepared/" + PreparedDataset.METADATA)));
        assertEquals(
                10_000L * 785,
                fs.getFileStatus(new org.apache.hadoop.fs.Path(root + "/prepared/train.records"))
                        .getLen());

        Outcome fromPrepared = run(train(root + "/prepared", root + "/run"));
        assertEquals(0, fromPrepared.code(), fromPrepared.err());
        for (String name : List.of("model.lsm", "model.json", "metrics.json", "history.jsonl")) {
            assertTrue(
                    fs.getFileStatus(new org.apache.hadoop.fs.Path(root + "/run/" + name))
                                    .getLen()
                            > 0,
                    name);
        }
        Configuration conf = fs.getConf();
        Map<String, Object> metrics = Json.readMap(conf, root + "/run/metrics.json");
        assertEquals("validation", metrics.get("eval_set"));
        assertEquals(1000, ((Number) metrics.get("eval_rows")).intValue());
        assertEquals(90, ((Number) metrics.get("steps")).intValue()); // 9,000 training rows / 100
        assertTrue(((Number) metrics.get("test_accuracy")).doubleValue() > 0.8, metrics.toString());
        assertTrue(((String) metrics.get("data")).contains("/prepared"), metrics.toString());
        assertEquals(
                1,
                new String(read(root + "/run/history.jsonl"), StandardCharsets.UTF_8)
                        .lines()
                        .count());
        MlpModel model = ModelFile.read(conf, root + "/run/model.lsm");
        assertEquals("784,32,10", model.architecture().layersString());

        Outcome fromIdx = run(train(root + "/in", root + "/run-idx"));
        assertEquals(0, fromIdx.code(), fromIdx.err());
        Path local = Files.createTempDirectory(Path.of("target"), "hdfs-local-run");
        Outcome fromLocal = run(train(TestData.sampleDir().toString(), local.toString()));
        assertEquals(0, fromLocal.code(), fromLocal.err());

        byte[] preparedModel = read(root + "/run/model.lsm");
        assertArrayEquals(read(root + "/run-idx/model.lsm"), preparedModel, "prepared on HDFS vs IDX on HDFS");
        assertArrayEquals(
                Files.readAllBytes(local.resolve("model.lsm")), preparedModel, "prepared on HDFS vs local IDX");
    }

    @Test
    void checkpointsAndRegistryLiveOnHdfsToo() throws IOException {
        String[] withCheckpoints = Arrays.copyOf(train(root + "/in", root + "/ckpt-run"), SMALL.length + 7);
        withCheckpoints[SMALL.length + 5] = "--checkpoint-every";
        withCheckpoints[SMALL.length + 6] = "30";
        Outcome first = run(withCheckpoints);
        assertEquals(0, first.code(), first.err());
        List<String> checkpoints = Arrays.stream(
                        fs.listStatus(new org.apache.hadoop.fs.Path(root + "/ckpt-run/checkpoints")))
                .map(st -> st.getPath().getName())
                .sorted()
                .toList();
        assertEquals(List.of("ckpt-000000000030.lsc", "ckpt-000000000060.lsc", "ckpt-000000000090.lsc"), checkpoints);
        byte[] model = read(root + "/ckpt-run/model.lsm");

        // Resuming reads the newest checkpoint back from HDFS and ends at the same model.
        fs.delete(new org.apache.hadoop.fs.Path(root + "/ckpt-run/checkpoints/ckpt-000000000090.lsc"), false);
        String[] resume = Arrays.copyOf(withCheckpoints, withCheckpoints.length + 1);
        resume[withCheckpoints.length] = "--resume";
        Outcome resumed = run(resume);
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming after step 60"), resumed.err());
        assertArrayEquals(model, read(root + "/ckpt-run/model.lsm"));

        String[] registryRun = train(root + "/in", "unused");
        registryRun[3] = "--registry";
        registryRun[4] = root + "/registry";
        Outcome promoted = run(registryRun);
        assertEquals(0, promoted.code(), promoted.err());
        Registry registry = new Registry(fs.getConf(), root + "/registry");
        String current = registry.current().orElseThrow();
        assertArrayEquals(model, read(registry.modelFile(current)), "same settings, same data: same model");
    }

    @Test
    void atomicOverwriteOnHdfs() throws IOException {
        Configuration conf = fs.getConf();
        String uri = root + "/atomic/file.txt";
        AtomicFiles.writeString(conf, uri, "first, and longer than the second");
        AtomicFiles.writeString(conf, uri, "second");
        assertEquals("second", new String(read(uri), StandardCharsets.UTF_8));
        FileStatus[] listing = fs.listStatus(new org.apache.hadoop.fs.Path(root + "/atomic"));
        assertEquals(
                List.of("file.txt"),
                Arrays.stream(listing).map(s -> s.getPath().getName()).toList());
    }
}
