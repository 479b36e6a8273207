package dev.lockstep.train;

import dev.lockstep.nn.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which global rows make up each mini-batch: a function of (seed, epoch, step) and nothing else. Each epoch is
 * one seeded permutation of all rows cut into consecutive batches; the trailing partial batch is dropped, so
 * every step averages the same number of rows. Because the plan never looks at partitions, 1, 2 or 64
 * partitions train on exactly the same batches.
 */
public final class BatchPlan {
    private final long seed;
    private final int rows;
    private final int batchSize;

    public BatchPlan(long seed, long rows, int batchSize) {
        if (rows > Integer.MAX_VALUE) throw new IllegalArgumentException("more than 2^31 training rows");
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive");
        if (rows < batchSize) {
            throw new IllegalArgumentException(
                    "batch size " + batchSize + " is larger than the " + rows + " training rows");
        }
        this.seed = seed;
        this.rows = (int) rows;
        this.batchSize = batchSize;
    }

    public int stepsPerEpoch() {
        return rows / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The epoch's row order (Fisher-Yates from a stream derived from the seed and the epoch). */
    public int[] permutation(int epoch) {
        int[] p = new int[rows];
        for (int i = 0; i < rows; i++) p[i] = i;
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.PERMUTATION, epoch));
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The global rows of one step, sorted ascending so each partition can find its share by binary search. */
    public int[] batch(int[] permutation, int step) {
        if (step < 0 || step >= stepsPerEpoch()) throw new IllegalArgumentException("step " + step + " out of range");
        int[] b = Arrays.copyOfRange(permutation, step * batchSize, (step + 1) * batchSize);
        Arrays.sort(b);
        return b;
    }
}
