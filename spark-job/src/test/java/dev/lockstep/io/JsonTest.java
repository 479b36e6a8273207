package dev.lockstep.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.LockstepException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    @TempDir
    Path dir;

    private static Map<String, Object> unsortedMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zeta", 1);
        m.put("alpha", "two");
        m.put("mid", List.of(1, 2));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("y", true);
        inner.put("b", 0.5);
        m.put("inner", inner);
        return m;
    }

    @Test
    void prettyKeepsInsertionOrderAndStableFormatting() {
        assertEquals("""
                {
                  "zeta": 1,
                  "alpha": "two",
                  "mid": [ 1, 2 ],
                  "inner": {
                    "y": true,
                    "b": 0.5
                  }
                }""", Json.pretty(unsortedMap()));
    }

    @Test
    void lineIsOneLineAndKeepsOrder() {
        Map<String, Object> m = unsortedMap();
        m.put("text", "two\nlines");
        String line = Json.line(m);
        assertEquals(
                "{\"zeta\":1,\"alpha\":\"two\",\"mid\":[1,2],"
                        + "\"inner\":{\"y\":true,\"b\":0.5},\"text\":\"two\\nlines\"}",
                line);
        assertFalse(line.contains("\n"));
    }

    @Test
    void nonFiniteNumbersBecomeNullAndFloatsKeepFloatPrecision() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nan", Double.NaN);
        m.put("inf", Float.POSITIVE_INFINITY);
        m.put("arr", new double[] {1.5, Double.NEGATIVE_INFINITY});
        m.put("farr", new float[] {Float.NaN, 0.25f});
        m.put("f", 1f / 255f);
        m.put("d", 0.1);
        assertEquals(
                "{\"nan\":null,\"inf\":null,\"arr\":[1.5,null],\"farr\":[null,0.25],\"f\":0.003921569,\"d\":0.1}",
                Json.line(m));
    }

    @Test
    void readMapRoundTripsInOrder() throws Exception {
        Path file = dir.resolve("metrics.json");
        AtomicFiles.writeString(new Configuration(), file.toString(), Json.pretty(unsortedMap()) + "\n");
        Map<String, Object> back = Json.readMap(new Configuration(), file.toString());
        assertEquals(List.of("zeta", "alpha", "mid", "inner"), List.copyOf(back.keySet()));
        assertEquals(unsortedMap(), back);
        assertInstanceOf(LinkedHashMap.class, back.get("inner"));
    }

    @Test
    void readMapErrorsNameTheFile() throws Exception {
        Configuration conf = new Configuration();
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"a\": ");
        String msg = assertThrows(LockstepException.class, () -> Json.readMap(conf, bad.toString()))
                .getMessage();
        assertTrue(msg.startsWith(bad + " is not a JSON object"), msg);
        Files.writeString(bad, "[1, 2]");
        assertThrows(LockstepException.class, () -> Json.readMap(conf, bad.toString()));
        String missing = dir.resolve("missing.json").toString();
        assertEquals(
                missing + " does not exist",
                assertThrows(LockstepException.class, () -> Json.readMap(conf, missing))
                        .getMessage());
    }

    /** A .crc side file left by an older, checksumming writer must not make a rewritten file unreadable. */
    @Test
    void aStaleHadoopCrcBesideAFileIsIgnored() throws Exception {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path p =
                new org.apache.hadoop.fs.Path(dir.resolve("metrics.json").toString());
        try (var out = FileSystem.getLocal(conf).create(p)) { // writes .metrics.json.crc too
            out.write("{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(Files.exists(dir.resolve(".metrics.json.crc")));
        AtomicFiles.writeString(conf, p.toString(), "{\"a\": 2, \"b\": \"longer now\"}");
        assertEquals(2, ((Number) Json.readMap(conf, p.toString()).get("a")).intValue());
    }
}
