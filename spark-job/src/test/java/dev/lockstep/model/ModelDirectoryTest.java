package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ModelDirectoryTest {
    @Test
    void resolvesNamesForEverySchemeWithOrWithoutTrailingSlash() {
        assertEquals("out/model.lsm", ModelDirectory.modelFile("out"));
        assertEquals("/abs/out/model.json", ModelDirectory.sidecarFile("/abs/out/"));
        assertEquals("hdfs://nn:8020/runs/1/metrics.json", ModelDirectory.metricsFile("hdfs://nn:8020/runs/1"));
        assertEquals("s3a://bucket/runs/history.jsonl", ModelDirectory.historyFile("s3a://bucket/runs/"));
        assertEquals("file:/tmp/x/model.lsm", ModelDirectory.modelFile("file:///tmp/x"));
    }
}
