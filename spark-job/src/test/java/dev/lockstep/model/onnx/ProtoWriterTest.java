package dev.lockstep.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The wire format, byte for byte, on the examples of the protobuf encoding documentation and a few more. */
class ProtoWriterTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void varintsTakeSevenBitsPerByteLeastSignificantFirst() {
        assertArrayEquals(
                bytes(0x08, 0x96, 0x01), new ProtoWriter().varint(1, 150).toByteArray());
        assertArrayEquals(
                bytes(0xA0, 0x01, 0x00), new ProtoWriter().varint(20, 0).toByteArray());
        // A negative int64 is its two's complement: ten bytes.
        assertArrayEquals(
                bytes(0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
                new ProtoWriter().varint(3, -1).toByteArray());
    }

    @Test
    void stringsAndMessagesAreLengthDelimited() {
        assertArrayEquals(
                bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'),
                new ProtoWriter().string(2, "testing").toByteArray());
        assertArrayEquals(
                bytes(0x1A, 0x03, 0x08, 0x96, 0x01),
                new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).toByteArray());
    }

    @Test
    void floatsAreLittleEndianAndPackedNumbersShareOneLength() {
        assertArrayEquals(
                bytes(0x15, 0x00, 0x00, 0x80, 0x3F),
                new ProtoWriter().float32(2, 1f).toByteArray());
        assertArrayEquals(
                bytes(0x22, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0),
                new ProtoWriter().packedFloats(4, new float[] {1f, -2f}).toByteArray());
        assertArrayEquals(
                bytes(0x0A, 0x04, 0x03, 0x8E, 0x02, 0x05),
                new ProtoWriter().packedInt64s(1, new long[] {3, 270, 5}).toByteArray());
    }
}
