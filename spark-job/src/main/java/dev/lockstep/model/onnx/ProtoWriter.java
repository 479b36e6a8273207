package dev.lockstep.model.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one protobuf message in the wire format (protobuf "encoding" documentation): each field is a key, the
 * varint {@code fieldNumber << 3 | wireType}, then its value. Only the three wire types ONNX needs here: varint (0)
 * for integers and enums, 32-bit little-endian (5) for a lone float, and length-delimited (2) for strings, bytes,
 * nested messages and packed repeated numbers. A nested message is built in its own writer and then written as a
 * length-delimited field, so every length is known when it is written. Not thread-safe; one use.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An int32, int64 or enum field. Negative values take ten bytes, as protobuf encodes them (two's complement). */
    ProtoWriter varint(int field, long value) {
        key(field, VARINT);
        rawVarint(value);
        return this;
    }

    /** A single float field (wire type 5). */
    ProtoWriter float32(int field, float value) {
        key(field, FIXED32);
        rawFixed32(Float.floatToRawIntBits(value));
        return this;
    }

    /** A string field, UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    /** An embedded message field: the message's bytes, length-delimited. */
    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    /** A packed repeated float field: all values little-endian in one length-delimited field. */
    ProtoWriter packedFloats(int field, float[] values) {
        key(field, LENGTH_DELIMITED);
        rawVarint(4L * values.length);
        for (float v : values) rawFixed32(Float.floatToRawIntBits(v));
        return this;
    }

    /** A packed repeated int64 field: all values as varints in one length-delimited field. */
    ProtoWriter packedInt64s(int field, long[] values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) body.rawVarint(v);
        return bytes(field, body.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        if (field < 1 || field > (1 << 29) - 1) throw new IllegalArgumentException("bad field number " + field);
        rawVarint(((long) field << 3) | wireType);
    }

    /** Seven bits at a time, least significant first; the high bit says that more follow. */
    private void rawVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private void rawFixed32(int bits) {
        out.write(bits);
        out.write(bits >>> 8);
        out.write(bits >>> 16);
        out.write(bits >>> 24);
    }
}
