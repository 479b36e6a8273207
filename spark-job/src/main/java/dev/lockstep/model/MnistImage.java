package dev.lockstep.model;

import dev.lockstep.data.DataFormatException;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Brings an ordinary picture of a digit into MNIST's form, the way MNIST itself was made: grey levels with the
 * background black and the ink bright; cropped to the ink; scaled, keeping the aspect ratio, so that the
 * longer side is 20 pixels; placed in a 28x28 frame with its centre of mass in the middle.
 */
public final class MnistImage {
    public static final int SIDE = 28;
    static final int BOX = 20;
    /** Pixels at least this fraction of the brightest count as ink when cropping. */
    private static final double INK_FRACTION = 0.1;

    private MnistImage() {}

    /**
     * 784 intensities, 0 (background) to 255 (ink), row-major: what {@link Classifier#probabilities(float[])} takes.
     */
    public static float[] pixels(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        double[] g = greyOnWhite(image);
        if (borderMedian(g, w, h) > 127) {
            for (int i = 0; i < g.length; i++) g[i] = 255 - g[i]; // dark ink on a light background
        }
        double background = borderMedian(g, w, h);
        double max = 0;
        for (int i = 0; i < g.length; i++) {
            g[i] = Math.max(0, g[i] - background);
            max = Math.max(max, g[i]);
        }
        if (max < 16) throw new DataFormatException("no digit found: the image is blank or has almost no contrast");
        for (int i = 0; i < g.length; i++) g[i] = g[i] * 255 / max;

        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (g[y * w + x] >= 255 * INK_FRACTION) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
        double scale = (double) BOX / Math.max(cw, ch);
        int tw = Math.max(1, (int) Math.round(cw * scale)), th = Math.max(1, (int) Math.round(ch * scale));
        double[] box = resample(g, w, x0, y0, cw, ch, tw, th);
        return centreByMass(box, tw, th);
    }

    /** Luminance 0..255, with any transparency composited over white. */
    private static double[] greyOnWhite(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        double[] g = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                double a = ((argb >>> 24) & 0xFF) / 255.0;
                double lum = 0.299 * ((argb >> 16) & 0xFF) + 0.587 * ((argb >> 8) & 0xFF) + 0.114 * (argb & 0xFF);
                g[y * w + x] = lum * a + 255 * (1 - a);
            }
        }
        return g;
    }

    private static double borderMedian(double[] g, int w, int h) {
        int n = h == 1 || w == 1 ? w * h : 2 * w + 2 * (h - 2);
        double[] border = new double[n];
        int k = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((y == 0 || y == h - 1 || x == 0 || x == w - 1) && k < n) border[k++] = g[y * w + x];
            }
        }
        Arrays.sort(border, 0, k);
        return border[k / 2];
    }

    /** Area-averaging resample of the crop to tw x th: each target pixel is the mean of the source area it covers. */
    private static double[] resample(double[] g, int w, int x0, int y0, int cw, int ch, int tw, int th) {
        double[] out = new double[tw * th];
        double sx = (double) cw / tw, sy = (double) ch / th;
        for (int ty = 0; ty < th; ty++) {
            double ya = ty * sy, yb = (ty + 1) * sy;
            for (int tx = 0; tx < tw; tx++) {
                double xa = tx * sx, xb = (tx + 1) * sx;
                double sum = 0, area = 0;
                for (int y = (int) ya; y < Math.min(ch, (int) Math.ceil(yb)); y++) {
                    double fy = Math.min(yb, y + 1) - Math.max(ya, y);
                    for (int x = (int) xa; x < Math.min(cw, (int) Math.ceil(xb)); x++) {
                        double f = fy * (Math.min(xb, x + 1) - Math.max(xa, x));
                        sum += f * g[(y0 + y) * w + x0 + x];
                        area += f;
                    }
                }
                out[ty * tw + tx] = area > 0 ? sum / area : 0;
            }
        }
        return out;
    }

    private static float[] centreByMass(double[] box, int tw, int th) {
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                double v = box[y * tw + x];
                mass += v;
                mx += v * (x + 0.5);
                my += v * (y + 0.5);
            }
        }
        int dx = (int) Math.round(SIDE / 2.0 - mx / mass), dy = (int) Math.round(SIDE / 2.0 - my / mass);
        float[] out = new float[SIDE * SIDE];
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                int ox = x + dx, oy = y + dy;
                if (ox >= 0 && ox < SIDE && oy >= 0 && oy < SIDE) {
                    out[oy * SIDE + ox] = (float) Math.min(255, Math.max(0, Math.round(box[y * tw + x])));
                }
            }
        }
        return out;
    }
}
