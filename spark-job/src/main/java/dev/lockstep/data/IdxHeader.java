package dev.lockstep.data;

/** The validated header of an IDX image (3 dimensions) or label (1 dimension) file of unsigned bytes. */
final class IdxHeader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    /** Far beyond any image dataset this trains on, small enough that garbage headers are caught. */
    static final int MAX_SIDE = 1024;
    /** The largest Java byte array: one dataset is held in one array. */
    static final long MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 8;

    enum Kind {
        IMAGES(IMAGES_MAGIC, 16, "an IDX image file"),
        LABELS(LABELS_MAGIC, 8, "an IDX label file");

        final int magic;
        final int headerBytes;
        final String description;

        Kind(int magic, int headerBytes, String description) {
            this.magic = magic;
            this.headerBytes = headerBytes;
            this.description = description;
        }
    }

    final Kind kind;
    final int count;
    final int rows;
    final int cols;

    private IdxHeader(Kind kind, int count, int rows, int cols) {
        this.kind = kind;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
    }

    int headerBytes() {
        return kind.headerBytes;
    }

    long payloadBytes() {
        return (long) count * rows * cols;
    }

    String payloadName() {
        return kind == Kind.IMAGES ? "pixel data" : "label data";
    }

    /** Reads and checks the header, including that the declared payload could possibly be held. */
    static IdxHeader read(InputFile in, Kind kind) {
        byte[] bytes = new byte[kind.headerBytes];
        int found = in.read(bytes, 0, bytes.length);
        if (found < 4) {
            throw in.error("too short for " + kind.description + ": found " + found + " bytes, expected a header of "
                    + kind.headerBytes);
        }
        int magic = intAt(bytes, 0);
        if (magic != kind.magic) {
            throw in.error(String.format(
                    "bad magic number 0x%08x at offset 0 (expected 0x%08x for %s)%s",
                    magic, kind.magic, kind.description, magicHint(magic)));
        }
        if (found < bytes.length) {
            throw in.error("truncated header: expected " + kind.headerBytes + " bytes, found " + found);
        }
        int count = positive(in, intAt(bytes, 4), 4, "item count", Integer.MAX_VALUE);
        int rows = 1;
        int cols = 1;
        if (kind == Kind.IMAGES) {
            rows = positive(in, intAt(bytes, 8), 8, "row count", MAX_SIDE);
            cols = positive(in, intAt(bytes, 12), 12, "column count", MAX_SIDE);
        }
        IdxHeader header = new IdxHeader(kind, count, rows, cols);
        header.checkPayloadSize(in);
        return header;
    }

    /** Rejects impossible sizes before anything of that size is allocated. */
    private void checkPayloadSize(InputFile in) {
        long payload = payloadBytes();
        String declared = kind == Kind.IMAGES ? count + " images of " + rows + "x" + cols : count + " labels";
        if (payload > MAX_PAYLOAD_BYTES) {
            throw in.error("header declares " + declared + " = " + payload + " bytes of " + payloadName()
                    + ", more than the " + MAX_PAYLOAD_BYTES + " bytes one dataset can hold");
        }
        if (!in.compressed()) {
            long expected = headerBytes() + payload;
            long actual = in.fileLength();
            if (actual < expected) {
                throw truncated(in, actual - headerBytes());
            }
            if (actual > expected) {
                throw trailing(in, actual - expected, false);
            }
        }
    }

    /**
     * Refuses a payload that, with {@code alongside} more bytes read with it, the heap could not hold: checked
     * before anything of that size is allocated, so a header that lies costs nothing.
     */
    void requireHeap(InputFile in, HeapBudget budget, long alongside) {
        if (!budget.fits(payloadBytes() + alongside)) {
            throw tooLargeForHeap(in, budget);
        }
    }

    DataFormatException tooLargeForHeap(InputFile in, HeapBudget budget) {
        return in.error("header declares " + describeCount() + " = " + HeapBudget.mb(payloadBytes()) + " of "
                + payloadName() + ", more than the " + budget.describe() + "; " + HeapBudget.RAISE);
    }

    DataFormatException truncated(InputFile in, long payloadFound) {
        return in.error("truncated: expected " + payloadBytes() + " bytes of " + payloadName() + " after the "
                + headerBytes() + "-byte header (" + describeCount() + ") but found only " + payloadFound);
    }

    /** {@code atLeast}: the rest was not read, so there may be more than {@code extraBytes}. */
    DataFormatException trailing(InputFile in, long extraBytes, boolean atLeast) {
        return in.error((atLeast ? "at least " : "") + extraBytes + " unexpected bytes after the end of the "
                + payloadName() + " at offset " + (headerBytes() + payloadBytes()) + " (header declares "
                + describeCount() + ")");
    }

    private String describeCount() {
        return kind == Kind.IMAGES ? count + " images of " + rows + "x" + cols : count + " labels";
    }

    private static String magicHint(int magic) {
        if (magic == IMAGES_MAGIC) {
            return "; this is an image file";
        }
        if (magic == LABELS_MAGIC) {
            return "; this is a label file";
        }
        return "";
    }

    private static int positive(InputFile in, int value, int offset, String what, int max) {
        if (value < 1 || value > max) {
            throw in.error(what + " " + value + " at offset " + offset + " (expected 1-" + max + ")");
        }
        return value;
    }

    private static int intAt(byte[] b, int offset) {
        return (b[offset] & 0xff) << 24
                | (b[offset + 1] & 0xff) << 16
                | (b[offset + 2] & 0xff) << 8
                | (b[offset + 3] & 0xff);
    }
}
