package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.TestData;
import dev.lockstep.UsageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where an embedded Spark listens: on a local master, loopback only, unless the user's settings say otherwise. */
class SparkSetupTest {
    private static SparkConf configured(String masterFlag, String sparkLocalIp, Map<String, String> given) {
        SparkConf conf = new SparkConf(false);
        given.forEach(conf::set);
        SparkSetup.configure(conf, masterFlag, "lockstep-test", sparkLocalIp);
        return conf;
    }

    @Test
    void aLocalMasterListensOnLoopbackWithTheUiOff() {
        for (String master : new String[] {null, "local", "local[2]", "local[*]", "local[2,4]"}) {
            SparkConf c = configured(master, null, Map.of());
            assertEquals("127.0.0.1", c.get("spark.driver.host"), master);
            assertEquals("127.0.0.1", c.get("spark.driver.bindAddress"), master);
            assertEquals("false", c.get("spark.ui.enabled"), "the UI would bind to every interface: " + master);
            assertEquals("false", c.get("spark.ui.killEnabled"), master);
        }
        assertEquals("local[*]", configured(null, null, Map.of()).get("spark.master"));
    }

    @Test
    void theUiIsOnWhereSparkLocalIpPutsItOnLoopback() {
        for (String ip : new String[] {"127.0.0.1", "::1", "localhost"}) {
            SparkConf c = configured("local[2]", ip, Map.of());
            assertFalse(c.contains("spark.ui.enabled"), "Spark's default, on: " + ip);
            assertEquals("false", c.get("spark.ui.killEnabled"));
        }
        assertEquals("false", configured("local[2]", "192.0.2.7", Map.of()).get("spark.ui.enabled"), "not loopback");
        assertEquals(
                "false",
                configured("local[2]", "no-such-host.invalid", Map.of()).get("spark.ui.enabled"));
    }

    @Test
    void theUsersSettingsWin() {
        SparkConf c = configured(
                "local[2]",
                null,
                Map.of(
                        "spark.ui.enabled",
                        "true",
                        "spark.ui.killEnabled",
                        "true",
                        "spark.driver.host",
                        "10.1.2.3",
                        "spark.driver.bindAddress",
                        "0.0.0.0"));
        assertEquals("true", c.get("spark.ui.enabled"));
        assertEquals("true", c.get("spark.ui.killEnabled"));
        assertEquals("10.1.2.3", c.get("spark.driver.host"));
        assertEquals("0.0.0.0", c.get("spark.driver.bindAddress"));
    }

    /** Executors on other hosts must reach the driver: a cluster keeps Spark's defaults. */
    @Test
    void aClusterMasterIsLeftAlone() {
        for (String master : new String[] {"spark://host:7077", "yarn", "k8s://host:443", "local-cluster[2,1,1024]"}) {
            SparkConf c = configured(master, null, Map.of());
            for (String key : new String[] {
                "spark.driver.host", "spark.driver.bindAddress", "spark.ui.enabled", "spark.ui.killEnabled"
            }) {
                assertFalse(c.contains(key), master + " " + key);
            }
        }
    }

    /** What deploy/lockstep reads: conf/spark-defaults.conf does not undo the above. */
    @Test
    void theShippedDefaultsKeepLoopback() {
        SparkConf c = SparkSetup.sparkConf(
                SparkSetup.ConfFiles.load(TestData.projectDir().resolve("conf").toString()));
        SparkSetup.configure(c, null, "lockstep-test", null);
        assertEquals("127.0.0.1", c.get("spark.driver.bindAddress"));
        assertEquals("false", c.get("spark.ui.enabled"));
    }

    @Test
    void aHeapBelowSparksFloorIsRefusedInWords() {
        SparkConf conf = new SparkConf(false);
        SparkSetup.requireSparksMinimumHeap(conf, 450L << 20);
        UsageException e =
                assertThrows(UsageException.class, () -> SparkSetup.requireSparksMinimumHeap(conf, 256L << 20));
        assertEquals(
                "the driver's heap is 256 MB, but Spark needs at least 450 MB to start; raise LOCKSTEP_DRIVER_MEMORY "
                        + "(spark-submit: --driver-memory)",
                e.getMessage());
        SparkSetup.requireSparksMinimumHeap(
                conf.set("spark.testing.memory", "536870912"), 256L << 20); // Spark's own override
    }

    /** A context actually started as commands start theirs: every address it listens on is loopback, and no UI. */
    @Test
    void aStartedLocalContextListensOnLoopbackOnly(@TempDir Path tmp) throws Exception {
        ChildJvm.Result r = ChildJvm.run(tmp, "1g", List.of(), StartedContext.class, List.of());
        assertEquals(0, r.code(), r.err());
        assertEquals(
                List.of("rpc 127.0.0.1", "blocks 127.0.0.1", "ui none"),
                r.out().lines().toList(),
                r.err());
    }

    /**
     * Starts Spark through {@link SparkSetup#start} on {@code local[1]} with the shipped conf/ and prints where it
     * listens.
     */
    public static final class StartedContext {
        public static void main(String[] args) {
            try (SparkSetup.Session s =
                    SparkSetup.start(SparkSetup.Environment.load().sparkConf(), "local[1]", "listen-test")) {
                SparkEnv env = s.context().sc().env();
                System.out.println("rpc " + env.rpcEnv().address().host());
                System.out.println(
                        "blocks " + env.blockManager().blockManagerId().host());
                System.out.println("ui "
                        + (s.context().sc().uiWebUrl().isDefined()
                                ? s.context().sc().uiWebUrl().get()
                                : "none"));
            }
        }
    }
}
