package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HoldOutTest {
    /** Each image's first two pixels hold its row index, so rows can be traced after the split. */
    private static LabeledImages numbered(int count) {
        byte[] pixels = new byte[count * 4];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            pixels[i * 4] = (byte) (i >> 8);
            pixels[i * 4 + 1] = (byte) i;
            labels[i] = (byte) (i % 10);
        }
        return new LabeledImages(2, 2, pixels, labels, "numbered");
    }

    private static int[] rowIds(LabeledImages data) {
        int[] ids = new int[data.count()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (data.pixels()[i * 4] & 0xff) << 8 | (data.pixels()[i * 4 + 1] & 0xff);
        }
        return ids;
    }

    @Test
    void sameSeedSameSplit() {
        LabeledImages all = numbered(1000);

        HoldOut a = HoldOut.split(all, 0.1, 42);
        HoldOut b = HoldOut.split(all, 0.1, 42);
        HoldOut c = HoldOut.split(all, 0.1, 43);

        assertArrayEquals(rowIds(a.validation()), rowIds(b.validation()));
        assertArrayEquals(rowIds(a.train()), rowIds(b.train()));
        assertFalse(Arrays.equals(rowIds(a.validation()), rowIds(c.validation())));
    }

    @Test
    void partsAreDisjointCompleteSortedAndConsistent() {
        LabeledImages all = numbered(1000);

        HoldOut split = HoldOut.split(all, 0.25, 7);

        int[] train = rowIds(split.train());
        int[] validation = rowIds(split.validation());
        assertEquals(250, validation.length);
        assertEquals(750, train.length);
        assertTrue(isAscending(train) && isAscending(validation));
        Set<Integer> seen = new HashSet<>();
        Arrays.stream(train).forEach(seen::add);
        Arrays.stream(validation).forEach(seen::add);
        assertEquals(1000, seen.size());
        for (int i = 0; i < validation.length; i++) {
            assertEquals(validation[i] % 10, split.validation().label(i), "label travels with its image");
        }
    }

    @Test
    void validationRowsAreSpreadOut() {
        int[] validation = rowIds(HoldOut.split(numbered(10_000), 0.1, 1).validation());

        long firstHalf = Arrays.stream(validation).filter(id -> id < 5000).count();

        assertTrue(firstHalf > 400 && firstHalf < 600, "not a uniform sample: " + firstHalf);
    }

    @Test
    void atLeastOneValidationRow() {
        assertEquals(1, HoldOut.split(numbered(3), 0.01, 0).validation().count());
    }

    @Test
    void rejectsBadFractionsAndTinyData() {
        LabeledImages all = numbered(10);
        assertThrows(LockstepException.class, () -> HoldOut.split(all, 0, 1));
        assertThrows(LockstepException.class, () -> HoldOut.split(all, 0.51, 1));
        assertThrows(LockstepException.class, () -> HoldOut.split(all, Double.NaN, 1));
        assertThrows(LockstepException.class, () -> HoldOut.split(numbered(1), 0.5, 1));
    }

    private static boolean isAscending(int[] values) {
        for (int i = 1; i < values.length; i++) {
            if (values[i] <= values[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
