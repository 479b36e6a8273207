package dev.lockstep.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real HDFS and a real YARN in this JVM (Hadoop's MiniDFSCluster and MiniYARNCluster, from
 * hadoop-client-minicluster): one NameNode and DataNode, a ResourceManager and one NodeManager that launches
 * containers as separate JVMs. Everything listens on 127.0.0.1. {@link #confDir()} is a HADOOP_CONF_DIR for clients.
 * Spark's jars are "installed on the node" (spark.yarn.jars=local:...), the Maven jars of the build: staging their
 * 200 MB on HDFS instead, as README suggests for real clusters, costs about 40 s here each time.
 */
final class MiniYarn implements AutoCloseable {
    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final YarnClient client;
    private final Path confDir;
    private final String sparkJars;

    private MiniYarn(MiniDFSCluster dfs, MiniYARNCluster yarn, YarnClient client, Path confDir, String sparkJars) {
        this.dfs = dfs;
        this.yarn = yarn;
        this.client = client;
        this.confDir = confDir;
        this.sparkJars = sparkJars;
    }

    /** Starts both clusters under {@code base}; the nodes have Spark's jars in {@code sparkLib}. */
    static MiniYarn start(Path base, Path sparkLib) throws Exception {
        FileUtil.fullyDelete(base.toFile());
        Configuration conf = new YarnConfiguration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("dfs").toString());
        conf.set(DFSConfigKeys.DFS_NAMENODE_RPC_BIND_HOST_KEY, "127.0.0.1");
        conf.set("dfs.datanode.hostname", "127.0.0.1");
        conf.setBoolean("dfs.namenode.http.bind-host.enabled", false);
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf)
                .numDataNodes(1)
                .checkDataNodeHostConfig(true)
                .build();
        MiniYARNCluster yarn = null;
        try {
            dfs.waitActive();
            conf.set("fs.defaultFS", dfs.getFileSystem().getUri().toString());
            yarn = new MiniYARNCluster("lockstep-it", 1, 1, 1);
            yarn.init(yarnConf(conf));
            yarn.start();
            Configuration started = awaitPorts(yarn);
            YarnClient client = YarnClient.createYarnClient();
            client.init(started);
            client.start();
            Path confDir = writeClientConf(base.resolve("hadoop-conf"), started);
            return new MiniYarn(dfs, yarn, client, confDir, "local:" + sparkLib.toAbsolutePath() + "/*");
        } catch (Exception | Error e) {
            if (yarn != null) yarn.stop();
            dfs.shutdown(true);
            throw e;
        }
    }

    /**
     * One NodeManager with room for a cluster-mode driver and two executors at once, and for a second application
     * master attempt while the first one's containers are being cleaned up. Containers get the JDK that runs this
     * test from the node, as a real cluster's nodes give theirs. (Not SPARK_LOCAL_IP: Spark copies it from the
     * application master to executors, and the NodeManager then appends its own: "127.0.0.1:127.0.0.1".)
     */
    private static Configuration yarnConf(Configuration base) {
        Configuration c = new YarnConfiguration(base);
        c.set(YarnConfiguration.RM_BIND_HOST, "127.0.0.1");
        c.set(YarnConfiguration.NM_BIND_HOST, "127.0.0.1");
        c.setInt(YarnConfiguration.NM_PMEM_MB, 6144);
        c.setInt(YarnConfiguration.NM_VCORES, 4);
        c.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        c.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        c.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        c.setInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS, 2);
        // The capacity scheduler (YARN's default) with the one queue conf/spark-yarn.conf names.
        c.set("yarn.scheduler.capacity.root.queues", "default");
        c.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        c.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        c.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        c.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 1.0f);
        c.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        // A full build disk would otherwise mark the only node unhealthy and nothing would ever run.
        c.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
        // Keep each container's launch_container.sh beside its logs, for the test to read.
        c.setBoolean(YarnConfiguration.NM_LOG_CONTAINER_DEBUG_INFO, true);
        c.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
        return c;
    }

    /** MiniYARNCluster.start() can return before the RM has written its real port into the configuration. */
    private static Configuration awaitPorts(MiniYARNCluster yarn) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the ResourceManager never got a port");
            Thread.sleep(100);
        }
        return new YarnConfiguration(yarn.getConfig());
    }

    /**
     * core-site.xml (the default file system) and yarn-site.xml (where the ResourceManager is), as a client needs;
     * not the whole test configuration, which names test-only classes (MiniDFSCluster's StaticMapping).
     */
    private static Path writeClientConf(Path dir, Configuration started) throws IOException {
        Files.createDirectories(dir);
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", started.get("fs.defaultFS"));
        Configuration site = new Configuration(false);
        started.getPropsWithPrefix("yarn.resourcemanager.").forEach((k, v) -> site.set("yarn.resourcemanager." + k, v));
        for (var file : Map.of("core-site.xml", core, "yarn-site.xml", site).entrySet()) {
            try (OutputStream out = Files.newOutputStream(dir.resolve(file.getKey()))) {
                file.getValue().writeXml(out);
            }
        }
        return dir;
    }

    FileSystem fs() throws IOException {
        return dfs.getFileSystem();
    }

    String hdfs() throws IOException {
        return fs().getUri().toString();
    }

    Path confDir() {
        return confDir;
    }

    YarnClient client() {
        return client;
    }
    /** The value for spark.yarn.jars: where the nodes keep Spark's jars. */
    String sparkJars() {
        return sparkJars;
    }

    /** The application named {@code name}, once the ResourceManager has it. */
    ApplicationReport awaitApplication(String name, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            for (ApplicationReport r : client.getApplications()) {
                if (r.getName().equals(name)) return r;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no YARN application named " + name + " within " + timeoutSeconds + " s");
    }

    /** Waits for the application to end (FINISHED, FAILED or KILLED) and returns its final report. */
    ApplicationReport awaitEnd(ApplicationId id, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            ApplicationReport r = client.getApplicationReport(id);
            YarnApplicationState s = r.getYarnApplicationState();
            if (s == YarnApplicationState.FINISHED
                    || s == YarnApplicationState.FAILED
                    || s == YarnApplicationState.KILLED) return r;
            if (System.nanoTime() > deadline)
                throw new AssertionError(id + " still " + s + " after " + timeoutSeconds + " s");
            Thread.sleep(200);
        }
    }

    /** The application master container of the application's current attempt (its driver, in cluster mode). */
    ContainerId amContainer(ApplicationId id) throws IOException, YarnException {
        return client.getApplicationAttemptReport(
                        client.getApplicationReport(id).getCurrentApplicationAttemptId())
                .getAMContainerId();
    }

    /** A file the NodeManager keeps for a container: stdout, stderr, launch_container.sh. */
    Path containerFile(ContainerId container, String name) {
        String logDirs = yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS);
        return Path.of(logDirs.split(",")[0].replaceFirst("^file:", ""))
                .resolve(container.getApplicationAttemptId().getApplicationId().toString())
                .resolve(container.toString())
                .resolve(name);
    }

    @Override
    public void close() {
        try {
            client.stop();
            yarn.stop();
        } finally {
            dfs.shutdown(true);
        }
    }
}
