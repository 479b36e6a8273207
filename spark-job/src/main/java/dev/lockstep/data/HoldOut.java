package dev.lockstep.data;

import dev.lockstep.LockstepException;
import java.util.SplittableRandom;

/**
 * A seeded split of a dataset into training and validation rows. The same data, fraction and seed
 * always give the same rows, whatever machine or partitioning, so runs can be compared and resumed.
 */
public final class HoldOut {
    /** Mixed into the seed so the split's random stream differs from others seeded the same way. */
    private static final long PURPOSE = 0x486f_6c64_4f75_7431L; // "HoldOut1"

    private final LabeledImages train;
    private final LabeledImages validation;

    private HoldOut(LabeledImages train, LabeledImages validation) {
        this.train = train;
        this.validation = validation;
    }

    /**
     * Holds out {@code round(count * fraction)} rows (at least one) for validation; both parts keep
     * the original row order.
     *
     * @param fraction in (0, 0.5]
     */
    public static HoldOut split(LabeledImages all, double fraction, long seed) {
        Rows rows = rows(all.count(), fraction, seed, all.source());
        return new HoldOut(all.select(rows.train()), all.select(rows.validation()));
    }

    /**
     * Which rows {@link #split} puts on each side, from the row count alone: sources that read their rows
     * elsewhere (a prepared dataset, on the executors) hold out exactly the same rows without loading them.
     *
     * @param source names the data in messages
     */
    public static Rows rows(int count, double fraction, long seed, String source) {
        if (!(fraction > 0 && fraction <= 0.5)) {
            throw new LockstepException(
                    "validation fraction " + fraction + " is out of range (expected more than 0" + " and at most 0.5)");
        }
        if (count < 2) {
            throw new LockstepException(source + ": " + count + " rows are too few to hold out validation rows");
        }
        int held = (int) Math.max(1, Math.round(count * fraction));
        boolean[] isHeld = chooseHeld(count, held, new SplittableRandom(seed ^ PURPOSE));
        int[] trainRows = new int[count - held];
        int[] validationRows = new int[held];
        for (int i = 0, t = 0, v = 0; i < count; i++) {
            if (isHeld[i]) {
                validationRows[v++] = i;
            } else {
                trainRows[t++] = i;
            }
        }
        return new Rows(trainRows, validationRows);
    }

    /** Row indices of the two parts, each ascending; together every row exactly once. Do not modify. */
    public record Rows(int[] train, int[] validation) {}

    /** The first {@code held} positions of a partial Fisher-Yates shuffle: a uniform random subset. */
    private static boolean[] chooseHeld(int count, int held, SplittableRandom random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        boolean[] isHeld = new boolean[count];
        for (int i = 0; i < held; i++) {
            int j = i + random.nextInt(count - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
            isHeld[order[i]] = true;
        }
        return isHeld;
    }

    public LabeledImages train() {
        return train;
    }

    public LabeledImages validation() {
        return validation;
    }
}
