package dev.lockstep.cli;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Builds the Spark configuration the way spark-submit would, for runs with an embedded Spark: the launcher
 * points {@code LOCKSTEP_CONF_DIR} at {@code conf/}, whose {@code spark-defaults.conf} and {@code lockstep.conf}
 * fill in whatever spark-submit or {@code -D} did not already set.
 */
final class SparkSetup {
    static final String CONF_DIR_ENV = "LOCKSTEP_CONF_DIR";
    static final String CONF_DIR_PROPERTY = "lockstep.conf.dir";
    static final String DEFAULT_MASTER = "local[*]";
    /** Where Spark binds its web UI (it has no conf key for that); Spark's own environment variable. */
    static final String LOCAL_IP_ENV = "SPARK_LOCAL_IP";
    /** Spark's own floor for the driver's heap: 1.5 x its 300 MB of reserved memory. */
    static final long SPARK_MIN_HEAP_BYTES = 450L << 20;

    static final String LOOPBACK = "127.0.0.1";

    /** The master URL forms Spark accepts; checked up front, since Spark's own refusal comes with a stack trace. */
    private static final Pattern MASTER =
            Pattern.compile("local|local\\[(\\*|[1-9][0-9]*)(,[0-9]+)?]|local-cluster\\[[0-9]+, *[0-9]+, "
                    + "*[0-9]+]|yarn|(spark|k8s)://.+");

    private SparkSetup() {}

    static void checkMaster(String master) {
        if (!MASTER.matcher(master).matches()) {
            throw new UsageException("bad value '" + master
                    + "' for --master: expected local[*], local[N], spark://HOST:PORT, yarn or k8s://HOST:PORT");
        }
    }

    /** What every command starts from: the conf directory's files, the Spark conf, and the Hadoop conf from it. */
    record Environment(ConfFiles confFiles, SparkConf sparkConf, Configuration hadoop) {
        static Environment load() {
            ConfFiles files = ConfFiles.load(ConfFiles.defaultDir());
            SparkConf spark = SparkSetup.sparkConf(files);
            return new Environment(files, spark, hadoopConf(spark));
        }
    }

    /** The Spark conf from system properties (set by spark-submit) plus the conf directory's defaults. */
    static SparkConf sparkConf(ConfFiles files) {
        SparkConf conf = new SparkConf();
        files.entries().forEach(conf::setIfMissing);
        return conf;
    }

    /** A Hadoop configuration with the {@code spark.hadoop.*} keys applied, as Spark itself would. */
    static Configuration hadoopConf(SparkConf conf) {
        Configuration h = new Configuration();
        for (Tuple2<String, String> kv : conf.getAll()) {
            if (kv._1().startsWith("spark.hadoop.")) h.set(kv._1().substring("spark.hadoop.".length()), kv._2());
        }
        return h;
    }

    /**
     * Starts Spark, or joins the context already running in this JVM (as in tests); {@link Session#close()} stops
     * only a context it started.
     */
    static Session start(SparkConf conf, String masterFlag, String appName) {
        configure(conf, masterFlag, appName, System.getenv(LOCAL_IP_ENV));
        requireSparksMinimumHeap(conf, Runtime.getRuntime().maxMemory());
        // getActive is package-private in Scala but public in bytecode; it is the only way to ask without creating one.
        boolean existing = org.apache.spark.SparkContext$.MODULE$.getActive().isDefined();
        SparkContext sc = SparkContext.getOrCreate(conf);
        return new Session(JavaSparkContext.fromSparkContext(sc), !existing);
    }

    /**
     * Spark's driver refuses to start on a heap below 1.5 times the 300 MB it reserves (UnifiedMemoryManager), with
     * an exception of its own; say it in the user's words, with the setting that raises it.
     */
    static void requireSparksMinimumHeap(SparkConf conf, long maxHeapBytes) {
        if (conf.contains("spark.testing.memory") || maxHeapBytes >= SPARK_MIN_HEAP_BYTES) return;
        throw new UsageException(String.format(
                Locale.ROOT,
                "the driver's heap is %d MB, but Spark needs at least %d MB to start; raise LOCKSTEP_DRIVER_MEMORY "
                        + "(spark-submit: --driver-memory)",
                maxHeapBytes >> 20,
                SPARK_MIN_HEAP_BYTES >> 20));
    }

    /** The master, the application's name, and for a local master where it listens: the conf {@link #start} starts. */
    static void configure(SparkConf conf, String masterFlag, String appName, String sparkLocalIp) {
        if (masterFlag != null) conf.setMaster(masterFlag);
        else conf.setIfMissing("spark.master", DEFAULT_MASTER);
        conf.setIfMissing("spark.app.name", appName);
        if (isLocal(conf.get("spark.master"))) listenOnLoopback(conf, sparkLocalIp);
    }

    /** A master whose executors run in this JVM: no other process needs to reach the driver. */
    static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /**
     * Defaults for a local master; settings given in the conf files, by spark-submit or with -D win. The driver's
     * RPC endpoint and block manager listen on loopback only: by default Spark binds them to the address the host name
     * resolves to, and its RPC accepts (and deserializes) messages from any peer unless authentication is on. The web
     * UI has no such setting: Spark binds it to SPARK_LOCAL_IP, or else to every interface. So it is off unless
     * SPARK_LOCAL_IP is a loopback address, and its kill links (which stop jobs for anyone who can reach it) are off.
     */
    static void listenOnLoopback(SparkConf conf, String sparkLocalIp) {
        conf.setIfMissing("spark.driver.host", LOOPBACK);
        conf.setIfMissing("spark.driver.bindAddress", LOOPBACK);
        conf.setIfMissing("spark.ui.killEnabled", "false");
        if (!isLoopback(sparkLocalIp)) conf.setIfMissing("spark.ui.enabled", "false");
    }

    private static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) return false;
        try {
            return InetAddress.getByName(address.trim()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    record Session(JavaSparkContext context, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) context.stop();
        }
    }

    /** The key/value pairs of the conf directory's files, later files overriding earlier ones. */
    record ConfFiles(Map<String, String> entries, String description) {
        static ConfFiles load(String dir) {
            Map<String, String> all = new LinkedHashMap<>();
            if (dir == null || dir.isBlank()) return new ConfFiles(all, "none");
            for (String name : new String[] {"spark-defaults.conf", "lockstep.conf"}) {
                Path p = new Path(dir, name);
                try {
                    FileSystem fs = p.getFileSystem(new Configuration());
                    if (!fs.exists(p)) continue;
                    Properties props = new Properties();
                    try (InputStream in = fs.open(p);
                            Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                        props.load(r); // also reads spark-defaults' "key value" lines
                    }
                    for (String k : props.stringPropertyNames())
                        all.put(k.trim(), props.getProperty(k).trim());
                } catch (IOException | IllegalArgumentException e) {
                    throw new LockstepException("cannot read " + p + ": " + e.getMessage());
                }
            }
            return new ConfFiles(all, dir);
        }

        static String defaultDir() {
            String d = System.getProperty(CONF_DIR_PROPERTY);
            return d != null ? d : System.getenv(CONF_DIR_ENV);
        }
    }
}
