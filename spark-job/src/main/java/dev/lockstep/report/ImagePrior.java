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

/**
 * What {@link Imagine} knows of how the data's images look: their mean image (where the ascent starts and what it
 * is pulled back to) and the covariance of their pixels (which directions real images vary in, so that the ascent
 * moves whole strokes the way digits differ, not single pixels). Every class together: no class's own mean is used.
 */
public final class ImagePrior {
    /** Beyond this many pixels (32x32) the covariance would take too much memory; the prior is the mean alone. */
    static final int MAX_COVARIANCE_PIXELS = 1024;

    private final float[] mean; // raw intensities 0..255
    private final double[] covariance; // [i * n + j], in units of the full pixel range; null: none

    private ImagePrior(float[] mean, double[] covariance) {
        this.mean = mean;
        this.covariance = covariance;
    }

    /**
     * The images' mean and covariance, from exact integer sums in any order (the same images give the same bits);
     * only inked pixels are multiplied, so MNIST's mostly black images cost little.
     */
    public static ImagePrior of(LabeledImages images) {
        int rows = images.count(), f = images.features();
        if (rows == 0) throw new LockstepException(images.source() + " holds no images to average");
        boolean withCovariance = f <= MAX_COVARIANCE_PIXELS;
        long[] sum = new long[f];
        long[] products = withCovariance ? new long[f * f] : null; // lower triangle used
        int[] inked = new int[f];
        byte[] pixels = images.pixels();
        for (int r = 0; r < rows; r++) {
            int k = 0;
            for (int i = 0; i < f; i++) {
                int v = pixels[r * f + i] & 0xFF;
                if (v == 0) continue;
                sum[i] += v;
                inked[k++] = i;
            }
            if (!withCovariance) continue;
            for (int a = 0; a < k; a++) {
                int i = inked[a];
                long vi = pixels[r * f + i] & 0xFF;
                for (int b = 0; b <= a; b++) products[i * f + inked[b]] += vi * (pixels[r * f + inked[b]] & 0xFF);
            }
        }
        float[] mean = new float[f];
        double[] m = new double[f];
        for (int i = 0; i < f; i++) {
            m[i] = (double) sum[i] / rows;
            mean[i] = (float) m[i];
        }
        if (!withCovariance) return new ImagePrior(mean, null);
        double[] cov = new double[f * f];
        double unit = 255.0 * 255.0;
        for (int i = 0; i < f; i++) {
            for (int j = 0; j <= i; j++) {
                double c = ((double) products[i * f + j] / rows - m[i] * m[j]) / unit;
                cov[i * f + j] = c;
                cov[j * f + i] = c;
            }
        }
        return new ImagePrior(mean, cov);
    }

    /** The training images of a data directory (IDX, CSV or prepared), sized for {@code inputs}. */
    public static ImagePrior read(Configuration conf, String dataDir, int inputs) {
        LabeledImages images = PreparedDataset.isPrepared(conf, dataDir)
                ? EvalData.train(conf, PreparedDataset.open(conf, dataDir))
                : DataFiles.resolve(conf, dataDir, null, null).loadTrain(conf);
        return sized(of(images), inputs, dataDir);
    }

    /**
     * The rows a run was evaluated on (as its report scores them), when {@code modelUri} is the model of a run
     * directory that records them; null when it is not in a run directory.
     */
    public static ImagePrior ofRun(Configuration conf, String modelUri, int inputs) {
        Path parent = new Path(modelUri).getParent();
        if (parent == null) return null;
        String metrics = ModelDirectory.metricsFile(parent.toString());
        if (!ReportFiles.exists(conf, metrics)) return null;
        Map<String, Object> m = Json.readMap(conf, metrics);
        return sized(of(EvalData.load(conf, m, null)), inputs, parent.toString());
    }

    private static ImagePrior sized(ImagePrior prior, int inputs, String where) {
        if (prior.pixels() != inputs) {
            throw new LockstepException(where + " holds images of " + prior.pixels() + " pixels, but the model takes "
                    + inputs + " inputs");
        }
        return prior;
    }

    /** The mean image in raw intensities 0..255 (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    public int pixels() {
        return mean.length;
    }

    /** {@code out = covariance * v}, or false (out untouched) when there is no covariance. */
    boolean multiply(double[] v, double[] out) {
        if (covariance == null) return false;
        int n = mean.length;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0, row = i * n; j < n; j++) s += covariance[row + j] * v[j];
            out[i] = s;
        }
        return true;
    }

    float mean(int i) {
        return mean[i];
    }
}
