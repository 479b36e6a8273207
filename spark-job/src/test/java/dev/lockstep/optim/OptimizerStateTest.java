package dev.lockstep.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerStateTest {

    private static Map<String, float[]> mv(float[] m, float[] v) {
        Map<String, float[]> b = new LinkedHashMap<>();
        b.put("m", m);
        b.put("v", v);
        return b;
    }

    @Test
    void copiesInAndOut() {
        float[] m = {1f, 2f};
        OptimizerState s = new OptimizerState(3, mv(m, new float[] {3f, 4f}));
        m[0] = 99f;
        assertArrayEquals(new float[] {1f, 2f}, s.buffer("m"), "input arrays are copied");
        s.buffers().get("m")[0] = 99f;
        s.buffer("m")[1] = 99f;
        assertArrayEquals(new float[] {1f, 2f}, s.buffer("m"), "output arrays are copies");
        assertThrows(UnsupportedOperationException.class, () -> s.bufferNames().clear());
    }

    @Test
    void keepsOrder() {
        Map<String, float[]> b = new LinkedHashMap<>();
        b.put("v", new float[1]);
        b.put("m", new float[1]);
        OptimizerState s = new OptimizerState(0, b);
        assertEquals(List.of("v", "m"), List.copyOf(s.buffers().keySet()));
        assertEquals(List.of("v", "m"), List.copyOf(s.bufferNames()));
    }

    @Test
    void equalityIsBitExact() {
        OptimizerState a = new OptimizerState(2, mv(new float[] {0f, Float.NaN}, new float[] {1f}));
        assertEquals(a, new OptimizerState(2, mv(new float[] {0f, Float.NaN}, new float[] {1f})));
        assertEquals(a.hashCode(), new OptimizerState(2, mv(new float[] {0f, Float.NaN}, new float[] {1f})).hashCode());
        assertNotEquals(a, new OptimizerState(2, mv(new float[] {-0f, Float.NaN}, new float[] {1f})));
        assertNotEquals(a, new OptimizerState(3, mv(new float[] {0f, Float.NaN}, new float[] {1f})));
        assertNotEquals(a, new OptimizerState(2, mv(new float[] {0f, Float.NaN}, new float[] {Math.nextUp(1f)})));
    }

    @Test
    void validates() {
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.ofStep(-1));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerState(0, null));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerState(0, mv(null, new float[1])));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerState(0, Map.of("", new float[1])));
        assertThrows(
                IllegalArgumentException.class, () -> OptimizerState.ofStep(0).buffer("m"));
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        OptimizerState s = new OptimizerState(7, mv(new float[] {1f, -2f}, new float[] {0.5f, 3f}));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(s, in.readObject());
        }
    }
}
