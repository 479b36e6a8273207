package dev.lockstep.report;

import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.nn.Mlp;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * "What does the network think a 3 looks like?": starting from a blank image, gradient ascent on the input for
 * the log-probability of one class, with a small L2 penalty that keeps pixels the class does not need dark,
 * every pixel clamped to the valid range after each step. Steps are normalised by the gradient's RMS, so one
 * schedule suits models whose gradients differ in scale by orders of magnitude.
 */
public final class Imagine {
    static final int STEPS = 300;
    static final double FIRST_STEP = 0.05; // in units of the full pixel range
    static final double LAST_STEP = 0.002;
    static final double L2 = 0.02;

    private Imagine() {}

    /**
     * The imagined input for {@code digit}, as raw intensities 0..255 (what {@code Classifier.probabilities} takes).
     */
    public static float[] input(MlpModel model, int digit) {
        int n = model.architecture().inputSize();
        if (digit < 0 || digit >= model.architecture().outputSize()) {
            throw new IllegalArgumentException(
                    "class " + digit + " is not in 0.." + (model.architecture().outputSize() - 1));
        }
        InputScaling s = model.scaling();
        float lo = 0 * s.scale() + s.offset(), hi = 255 * s.scale() + s.offset();
        float min = Math.min(lo, hi), max = Math.max(lo, hi), range = max - min;
        Mlp mlp = new Mlp(model.architecture(), 1);
        mlp.setParameters(model.parameters());
        float[] x = mlp.input();
        Arrays.fill(x, 0, n, lo); // blank: raw 0, no ink
        float[] grad = new float[n];
        for (int step = 0; step < STEPS; step++) {
            mlp.inputGradient(digit, grad);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                grad[i] -= (float) (L2 / range * (x[i] - lo)); // penalty on ink, in the same units as the range
                sq += (double) grad[i] * grad[i];
            }
            double rms = Math.sqrt(sq / n);
            if (rms == 0) break;
            double rate = FIRST_STEP + (LAST_STEP - FIRST_STEP) * step / (STEPS - 1);
            float k = (float) (rate * range / rms);
            for (int i = 0; i < n; i++) x[i] = Math.min(max, Math.max(min, x[i] + k * grad[i]));
        }
        float[] raw = new float[n];
        for (int i = 0; i < n; i++) raw[i] = Math.min(255, Math.max(0, (x[i] - s.offset()) / s.scale()));
        return raw;
    }

    /** One class's imagined input as a picture, {@code scale} screen pixels per input pixel. */
    public static BufferedImage image(MlpModel model, int digit, int scale) {
        return row(model, new int[] {digit}, scale);
    }

    /** Every class's imagined input side by side, labelled, in class order. */
    public static BufferedImage all(MlpModel model, int scale) {
        int[] classes = new int[model.architecture().outputSize()];
        for (int c = 0; c < classes.length; c++) classes[c] = c;
        return row(model, classes, scale);
    }

    private static BufferedImage row(MlpModel model, int[] classes, int scale) {
        int n = model.architecture().inputSize();
        int side = (int) Math.round(Math.sqrt(n));
        if (side * side != n)
            throw new IllegalArgumentException("the model's input (" + n + " values) is not a square image");
        int gap = 4, caption = 16, cell = side * scale + gap;
        BufferedImage img = new BufferedImage(
                classes.length * cell + gap, side * scale + caption + 2 * gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        for (int c = 0; c < classes.length; c++) {
            float[] raw = input(model, classes[c]);
            int x0 = gap + c * cell;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int rgb = Palette.grey(raw[y * side + x]);
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++) img.setRGB(x0 + x * scale + dx, gap + y * scale + dy, rgb);
                }
            }
            g.drawString(String.valueOf(classes[c]), x0 + side * scale / 2 - 3, gap + side * scale + caption - 2);
        }
        g.dispose();
        return img;
    }

    /** PNG bytes of a picture, for writing through Hadoop's FileSystem. */
    public static byte[] png(BufferedImage image) {
        return Png.of(image);
    }
}
