package dev.lockstep.train.timing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.train.timing.StepTime.Part;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepTimeTest {
    @Test
    void theReportedPartsKeepTheNamesAndOrderUsersSee() {
        // history.jsonl's and metrics.json's step_time_ms, and the order of the medians in checkpoint files
        assertEquals(
                List.of("total", "ship", "scheduling_and_return", "fetch", "compute", "combine", "update"),
                StepTime.REPORTED.stream().map(p -> p.key).toList());
        assertEquals(
                List.of(
                        "total",
                        "ship",
                        "scheduling_and_return",
                        "fetch",
                        "compute",
                        "combine",
                        "update",
                        "job",
                        "launch",
                        "launch_first",
                        "return",
                        "overhead",
                        "task_start",
                        "task_end"),
                Arrays.stream(Part.values()).map(p -> p.key).toList());
    }

    @Test
    void derivedPartsComeFromTheOthersAndCannotBeSet() {
        StepTime t = StepTime.NONE
                .with(Part.JOB, 100)
                .with(Part.FETCH, 10)
                .with(Part.COMPUTE, 60)
                .with(Part.TOTAL, 150);
        assertEquals(30, t.nanos(Part.SCHEDULING_AND_RETURN));
        assertEquals(90, t.nanos(Part.OVERHEAD));
        assertEquals(0, t.with(Part.COMPUTE, 200).nanos(Part.SCHEDULING_AND_RETURN), "never negative");
        assertEquals(0, t.nanos(Part.SHIP), "a part nobody measured");
        assertEquals(60, t.nanos(Part.COMPUTE), "with() leaves the original as it was");
        assertThrows(IllegalArgumentException.class, () -> t.with(Part.OVERHEAD, 1));
        assertThrows(IllegalArgumentException.class, () -> t.with(Part.SCHEDULING_AND_RETURN, 1));
    }

    @Test
    void samplesGiveMediansInMillisecondsPerPart() {
        StepTimeSamples samples = new StepTimeSamples(List.of(Part.TOTAL, Part.OVERHEAD));
        for (long ms : new long[] {5, 1, 3, 100}) {
            samples.add(StepTime.NONE.with(Part.TOTAL, ms * 1_000_000).with(Part.COMPUTE, 1_000_000));
        }
        StepTimeMedians m = samples.medians();
        assertEquals(4, m.steps());
        assertEquals(4.0, m.millis(Part.TOTAL));
        assertEquals(3.0, m.millis(Part.OVERHEAD));
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("total", 4.0);
        expected.put("overhead", 3.0);
        assertEquals(expected, m.byName());
        assertThrows(IllegalArgumentException.class, () -> m.millis(Part.SHIP));
    }

    @Test
    void noStepsGiveNanInMemoryAndNullInJson() {
        StepTimeMedians none = new StepTimeSamples().medians();
        assertEquals(StepTimeMedians.NONE, none);
        assertTrue(Arrays.stream(none.values()).allMatch(Double::isNaN));
        Map<String, Object> json = none.toMap();
        assertEquals(
                List.of("steps", "total", "ship", "scheduling_and_return", "fetch", "compute", "combine", "update"),
                List.copyOf(json.keySet()));
        assertEquals(0, json.get("steps"));
        assertNull(json.get("total"));
    }

    @Test
    void reportedMediansKeepTheCheckpointOrder() {
        double[] v = {20.5, 1, 2, 3, 4, 5, 6};
        StepTimeMedians m = StepTimeMedians.reported(10, v);
        assertArrayEquals(v, m.values());
        assertEquals(2, m.millis(Part.SCHEDULING_AND_RETURN));
        assertEquals(
                "per step (median of 10): 20.5 ms = ship 1.0 + scheduling/return 2.0 + fetch 3.0 + compute 4.0 "
                        + "(slowest partition) + combine 5.0 + update 6.0",
                m.describe());
    }
}
