package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {
    @Test
    void whatDoesNotFitIsRefusedWithTheSizesAndTheRemedy() {
        HeapBudget budget = HeapBudget.fixed(10L << 20);
        budget.require(10L << 20, "anything");
        HeapBudget.Exceeded e = assertThrows(
                HeapBudget.Exceeded.class, () -> budget.require((20L << 20) + 1, "checkpoint c: reading it"));
        assertEquals(
                "checkpoint c: reading it needs 21 MB, more than the 10 MB of heap free (of 10 MB); raise the "
                        + "driver's heap" + " with LOCKSTEP_DRIVER_MEMORY (spark-submit: --driver-memory)",
                e.getMessage());
    }
}
