package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.train.rows.PartitionLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    @Test
    void eachEpochIsAPermutationCutIntoDisjointSortedBatches() {
        BatchPlan plan = new BatchPlan(7, 1000, 64);
        assertEquals(15, plan.stepsPerEpoch());
        int[] perm = plan.permutation(3);
        boolean[] seen = new boolean[1000];
        for (int s = 0; s < plan.stepsPerEpoch(); s++) {
            int[] b = plan.batch(perm, s);
            assertEquals(64, b.length);
            for (int i = 0; i < b.length; i++) {
                if (i > 0) assertTrue(b[i - 1] < b[i], "sorted and distinct");
                assertFalse(seen[b[i]], "row " + b[i] + " appears twice in one epoch");
                seen[b[i]] = true;
            }
        }
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) assertEquals(i, sorted[i]);
    }

    @Test
    void batchesDependOnSeedAndEpochOnly() {
        assertArrayEquals(new BatchPlan(7, 1000, 64).permutation(2), new BatchPlan(7, 1000, 64).permutation(2));
        assertFalse(
                Arrays.equals(new BatchPlan(7, 1000, 64).permutation(2), new BatchPlan(7, 1000, 64).permutation(3)));
        assertFalse(
                Arrays.equals(new BatchPlan(7, 1000, 64).permutation(2), new BatchPlan(8, 1000, 64).permutation(2)));
    }

    @Test
    void rejectsABatchLargerThanTheData() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BatchPlan(1, 10, 64))
                .getMessage()
                .contains("larger than the 10 training rows"));
    }

    @Test
    void lowerBoundFindsEachPartitionsShare() {
        int[] rows = {3, 9, 10, 10, 25};
        assertEquals(0, PartitionLayout.lowerBound(rows, 0));
        assertEquals(1, PartitionLayout.lowerBound(rows, 4));
        assertEquals(2, PartitionLayout.lowerBound(rows, 10));
        assertEquals(4, PartitionLayout.lowerBound(rows, 11));
        assertEquals(5, PartitionLayout.lowerBound(rows, 26));
    }
}
