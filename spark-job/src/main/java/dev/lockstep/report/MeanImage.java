package dev.lockstep.report;

import dev.lockstep.LockstepException;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.io.Json;
import dev.lockstep.model.ModelDirectory;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** The data's mean image, the prior {@link Imagine} pulls towards: every class's images averaged, pixel by pixel. */
public final class MeanImage {
    private MeanImage() {}

    /** Raw intensities 0..255, summed in row order (the same images give the same bits). */
    public static float[] of(LabeledImages images) {
        if (images.count() == 0) throw new LockstepException(images.source() + " holds no images to average");
        int f = images.features();
        double[] sum = new double[f];
        byte[] pixels = images.pixels();
        for (int r = 0; r < images.count(); r++) {
            for (int i = 0; i < f; i++) sum[i] += pixels[r * f + i] & 0xFF;
        }
        float[] mean = new float[f];
        for (int i = 0; i < f; i++) mean[i] = (float) (sum[i] / images.count());
        return mean;
    }

    /** The mean of the training images in a data directory (IDX, CSV or prepared), sized for {@code inputs}. */
    public static float[] read(Configuration conf, String dataDir, int inputs) {
        LabeledImages images = PreparedDataset.isPrepared(conf, dataDir)
                ? EvalData.train(conf, PreparedDataset.open(conf, dataDir))
                : DataFiles.resolve(conf, dataDir, null, null).loadTrain(conf);
        return sized(of(images), inputs, dataDir);
    }

    /**
     * The mean of the rows a run was evaluated on (as its report scores them), when {@code modelUri} is the model of a
     * run directory that records them; null when it is not in a run directory.
     */
    public static float[] ofRun(Configuration conf, String modelUri, int inputs) {
        Path parent = new Path(modelUri).getParent();
        if (parent == null) return null;
        String metrics = ModelDirectory.metricsFile(parent.toString());
        if (!ReportFiles.exists(conf, metrics)) return null;
        Map<String, Object> m = Json.readMap(conf, metrics);
        return sized(of(EvalData.load(conf, m, null)), inputs, parent.toString());
    }

    private static float[] sized(float[] mean, int inputs, String where) {
        if (mean.length != inputs) {
            throw new LockstepException(
                    where + " holds images of " + mean.length + " pixels, but the model takes " + inputs + " inputs");
        }
        return mean;
    }
}
