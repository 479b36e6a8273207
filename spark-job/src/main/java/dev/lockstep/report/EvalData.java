package dev.lockstep.report;

import dev.lockstep.LockstepException;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.HoldOut;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.data.PreparedRecords;
import dev.lockstep.data.RowBlock;
import dev.lockstep.io.HadoopPaths;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * The rows a run was evaluated on, found again from its metrics.json without Spark: the test set when the run
 * had one, else the validation hold-out re-made with the run's seed and fraction (the same rows, since the split
 * depends on nothing else). {@code --data} on {@code report} names the data when the run's location has moved.
 */
final class EvalData {
    private EvalData() {}

    /** @param dataOverride a --data directory replacing the recorded location, or null */
    static LabeledImages load(Configuration conf, Map<String, Object> metrics, String dataOverride) {
        Map<String, Object> location = map(metrics.get("data_location"));
        if (dataOverride == null && location.get("format") instanceof String format) {
            throw new LockstepException("the run read a " + format + " table, which report does not read again: "
                    + "give report --data DIR with IDX, CSV or prepared files to draw them");
        }
        String data = dataOverride != null ? dataOverride : string(location.get("data"));
        String train = dataOverride != null ? null : string(location.get("train"));
        String test = dataOverride != null ? null : string(location.get("test"));
        if (data == null && train == null) {
            throw new LockstepException(
                    "the run does not record where its data was (older run?): give report --data DIR");
        }
        Map<String, Object> config = map(metrics.get("config"));
        double fraction = number(config.get("validation_fraction"), 0.1);
        long seed = (long) number(config.get("seed"), 1);
        if (train == null && PreparedDataset.isPrepared(conf, data)) {
            PreparedDataset prepared = PreparedDataset.open(conf, data);
            if (test != null) return DataFiles.resolve(conf, null, test, null).loadTrain(conf);
            if (prepared.test().isPresent())
                return read(conf, prepared, prepared.test().get(), null);
            // Only the held-out rows are kept: a tenth of the training part in memory, not all of it.
            PreparedDataset.Part part = prepared.train();
            if (part.count() > Integer.MAX_VALUE)
                throw new LockstepException(part.uri() + ": too many rows to hold out on one machine");
            return read(
                    conf,
                    prepared,
                    part,
                    HoldOut.rows((int) part.count(), fraction, seed, part.uri()).validation());
        }
        DataFiles files = DataFiles.resolve(conf, data, train, test);
        return files.loadTest(conf)
                .orElseGet(() ->
                        HoldOut.split(files.loadTrain(conf), fraction, seed).validation());
    }

    /** The whole training part of a prepared dataset of images. */
    static LabeledImages train(Configuration conf, PreparedDataset prepared) {
        PreparedDataset.Part part = prepared.train();
        if (part.count() > Integer.MAX_VALUE)
            throw new LockstepException(part.uri() + ": too many rows to read on one machine");
        return read(conf, prepared, part, null);
    }

    /** A part of a prepared dataset, whole or only the given records (ascending), read here in one slice. */
    private static LabeledImages read(Configuration conf, PreparedDataset d, PreparedDataset.Part part, int[] records) {
        if (!d.isImage()) throw new LockstepException(d.dir() + " holds the rows of a table, not images");
        long rows = records == null ? part.count() : records.length;
        if (rows > Integer.MAX_VALUE / Math.max(1, d.features())) {
            throw new LockstepException(
                    part.uri() + ": too many rows to score on one machine; give report --data with a smaller set");
        }
        int n = (int) rows;
        PreparedRecords.Slice slice = records == null
                ? new PreparedRecords.Slice(0, n, 0, n, null)
                : PreparedRecords.Slice.selecting(0, records, 0, n);
        Path path = new Path(part.uri());
        try (FSDataInputStream in = HadoopPaths.fileSystem(path, conf).open(path)) {
            PreparedRecords.RecordInput input = PreparedRecords.input(
                    in,
                    part.uri(),
                    d.features() + 1,
                    part.checksums(slice.fileStart(), slice.fileStart() + slice.fileSpan()));
            RowBlock block = PreparedRecords.read(input, part.uri(), d.features(), part.maxLabel(), slice);
            byte[] labels = new byte[block.count()]; // prepared labels are 0-9
            for (int i = 0; i < labels.length; i++) labels[i] = (byte) block.label(i);
            return new LabeledImages(d.rows(), d.cols(), block.bytes(), labels, part.uri());
        } catch (IOException e) {
            throw new LockstepException("cannot read " + part.uri() + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String string(Object o) {
        return o instanceof String s && !s.isBlank() ? s : null;
    }

    private static double number(Object o, double fallback) {
        return o instanceof Number n ? n.doubleValue() : fallback;
    }
}
