package dev.lockstep.workflow;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.LockstepException;
import dev.lockstep.data.HeapBudget;
import org.junit.jupiter.api.Test;

/** A table's hold-out is row numbers on the driver: refused in one line when the heap or an array cannot hold them. */
class TableHoldOutTest {
    @Test
    void aHoldOutBeyondTheHeapIsOneLineWithAdvice() {
        HeapBudget budget = HeapBudget.fixed(16L << 20);
        assertDoesNotThrow(() -> TableInputs.checkHoldOut("parquet /t", 900_000, budget));
        LockstepException e =
                assertThrows(LockstepException.class, () -> TableInputs.checkHoldOut("parquet /t", 1_000_000, budget));
        assertEquals(
                "parquet /t: holding out validation rows from 1,000,000 rows needs 17 MB of driver heap, more than the"
                        + " 16 MB of heap free (of 16 MB); give a test set (--test), or raise the driver's heap with"
                        + " LOCKSTEP_DRIVER_MEMORY (spark-submit: --driver-memory)",
                e.getMessage());
    }

    @Test
    void moreRowsThanAnArrayHoldsIsOneLineNotAnOverflow() {
        HeapBudget plenty = HeapBudget.fixed(Long.MAX_VALUE);
        assertDoesNotThrow(() -> TableInputs.checkHoldOut("t", Integer.MAX_VALUE - 8, plenty));
        LockstepException e =
                assertThrows(LockstepException.class, () -> TableInputs.checkHoldOut("t", 3_000_000_000L, plenty));
        assertEquals(
                "t: 3,000,000,000 rows are too many to hold out validation rows from (at most 2,147,483,639); give a"
                        + " test set (--test)",
                e.getMessage());
        assertThrows(LockstepException.class, () -> TableInputs.checkHoldOut("t", Integer.MAX_VALUE, plenty));
    }
}
