package dev.lockstep.train.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class ExchangedBytesTest {
    @Test
    void inlineBytesTravelWithTheObject() throws Exception {
        byte[] b = {1, 2, 3};
        ExchangedBytes copy = roundTrip(ExchangedBytes.inline(b));
        assertFalse(copy.isHeld());
        assertArrayEquals(b, copy.bytes());
    }

    @Test
    void heldBytesStayInTheJvmUntilTheirExchangeCloses() throws Exception {
        long exchange = ExchangedBytes.openExchange();
        byte[] params = new byte[1 << 20];
        byte[] part0 = {7};
        ExchangedBytes shipped = ExchangedBytes.hold(exchange, ExchangedBytes.DRIVER, params);
        ExchangedBytes result = ExchangedBytes.hold(exchange, 0, part0);
        ExchangedBytes serialized = roundTrip(shipped);
        assertTrue(serialized.isHeld());
        assertSame(params, serialized.bytes(), "a key travels, not a copy");
        assertSame(part0, roundTrip(result).bytes());
        assertTrue(serializedSize(shipped) < 200, "serialized size " + serializedSize(shipped));

        long other = ExchangedBytes.openExchange();
        ExchangedBytes kept = ExchangedBytes.hold(other, 0, new byte[] {9});
        ExchangedBytes.closeExchange(exchange);
        IllegalStateException e = assertThrows(IllegalStateException.class, serialized::bytes);
        assertTrue(e.getMessage().contains("not held in this JVM"), e.getMessage());
        assertArrayEquals(new byte[] {9}, kept.bytes(), "closing one exchange leaves the others");
        ExchangedBytes.closeExchange(other);
        assertThrows(IllegalStateException.class, kept::bytes);
    }

    @Test
    void aRetriedTaskPutsItsBytesAgainUnderTheSameKey() {
        long exchange = ExchangedBytes.openExchange();
        ExchangedBytes.hold(exchange, 3, new byte[] {1});
        ExchangedBytes second = ExchangedBytes.hold(exchange, 3, new byte[] {2});
        assertArrayEquals(new byte[] {2}, second.bytes());
        ExchangedBytes.closeExchange(exchange);
        assertThrows(IllegalArgumentException.class, () -> ExchangedBytes.hold(0, 0, new byte[1]));
    }

    private static int serializedSize(Object o) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(o);
        }
        return out.size();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
