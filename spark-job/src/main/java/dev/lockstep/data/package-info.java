/**
 * Reading and validating training data (IDX, CSV, prepared datasets: images, bytes 0-255 with labels 0-9), CSV rows
 * of any numbers to score with a model that does not take images ({@link dev.lockstep.data.FeatureCsv}), the
 * seeded hold-out split, and the {@link dev.lockstep.data.RowBlock}s partitions cache (byte or float features,
 * labels 0..K-1).
 *
 * <h2>Prepared datasets, format version 1</h2>
 * Written by {@code lockstep prepare} ({@link dev.lockstep.data.PreparedWriter}), read by
 * {@link dev.lockstep.data.PreparedDataset} (metadata, on the driver) and {@link dev.lockstep.data.PreparedRecords}
 * (rows, on the executors). A directory holds:
 * <pre>
 * train.records   count x L bytes: fixed-length records, no header, no padding
 * test.records    the same, when a test set was prepared
 * prepared.json   metadata, written last: without it the directory is not a prepared dataset
 * </pre>
 * Record i starts at byte {@code i * L}, {@code L = 1 + rows * cols} (785 for MNIST):
 * <pre>
 * offset  size         field
 * 0       1            label, unsigned byte 0-9
 * 1       rows*cols    pixels, unsigned bytes, row-major, exactly as in the IDX file (0 = background)
 * </pre>
 * Records keep the input's order, so record i is row i of the IDX or CSV file it came from. Fixed-length
 * records let a task read rows [a, b) with one seek to {@code a * L}, with no index and no scanning.
 *
 * <p>{@code prepared.json}: {@code format} ("lockstep-prepared"), {@code version} (1), {@code rows}, {@code cols},
 * {@code record_length} (L), {@code layout} (a reminder in words), {@code source} (what was converted), and per part
 * ({@code train}, optionally {@code test}): {@code file} (a plain name in the directory), {@code count},
 * {@code label_counts} (ten counts adding up to {@code count}), {@code crc32c} (of the whole records file, eight hex
 * digits), {@code block_records} and {@code block_crc32c} (the CRC32C of each block of that many records, eight hex
 * digits each, one after another; absent from datasets prepared before they existed).
 *
 * <p>Checked when a run opens the directory: format and version (other versions are refused), record length
 * against the shape, label counts against the count, each records file's length against count x L, the number of
 * block checksums. Checked as executors read: every block against its CRC32C before any of its records is used
 * (reading at most a block beyond a partition's rows at either end), every label against the largest the metadata
 * counts. The whole-file CRC32C is for {@link dev.lockstep.data.PreparedDataset#verifyChecksum}, run by
 * {@code lockstep prepare --verify DIR}. Each file is written under a temporary name and renamed; {@code prepare}
 * first removes an old {@code prepared.json}, so a failed re-prepare leaves no metadata describing files it
 * replaced.
 *
 * <h2>Prepared datasets, format version 2</h2>
 * Rows of a table ({@code prepare --format}, {@link dev.lockstep.data.PreparedWriter#writeRows}): record =
 * {@code label_bytes} (1 or 2) label bytes, unsigned little-endian, then {@code features} values, unsigned bytes or
 * little-endian float32 ({@code value_type}); see {@link dev.lockstep.data.PreparedRecords.Layout}. The metadata has
 * {@code features}, {@code value_type}, {@code classes} (the length of {@code label_counts}) and {@code label_bytes}
 * instead of {@code rows} and {@code cols}; the rest, and every check, is version 1's, plus a NaN or infinite float
 * refused on read. docs/file-formats.md describes both versions.
 */
package dev.lockstep.data;
