package dev.lockstep.report;

import dev.lockstep.LockstepException;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.nn.Mlp;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

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
        requireImage(model);
        int n = model.architecture().inputSize();
        if (digit < 0 || digit >= model.architecture().outputSize()) {
            throw new IllegalArgumentException(
                    "class " + digit + " is not in 0.." + (model.architecture().outputSize() - 1));
        }
        // Each pixel's network-side range: raw 0 (no ink) to 255, through that pixel's scaling.
        InputScaling s = model.scaling();
        float[] lo = new float[n], min = new float[n], max = new float[n], range = new float[n];
        for (int i = 0; i < n; i++) {
            lo[i] = 0 * s.scale(i) + s.offset(i);
            float hi = 255 * s.scale(i) + s.offset(i);
            min[i] = Math.min(lo[i], hi);
            max[i] = Math.max(lo[i], hi);
            range[i] = max[i] - min[i];
        }
        Mlp mlp = new Mlp(model.architecture(), 1);
        mlp.setParameters(model.parameters());
        float[] x = mlp.input();
        System.arraycopy(lo, 0, x, 0, n); // blank: raw 0, no ink
        float[] grad = new float[n];
        for (int step = 0; step < STEPS; step++) {
            mlp.inputGradient(digit, grad);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                if (range[i] == 0) grad[i] = 0; // a pixel the scaling ignores cannot move
                else grad[i] -= (float) (L2 / range[i] * (x[i] - lo[i])); // penalty on ink, in the range's units
                sq += (double) grad[i] * grad[i];
            }
            double rms = Math.sqrt(sq / n);
            if (rms == 0) break;
            double rate = FIRST_STEP + (LAST_STEP - FIRST_STEP) * step / (STEPS - 1);
            for (int i = 0; i < n; i++) {
                float k = (float) (rate * range[i] / rms);
                x[i] = Math.min(max[i], Math.max(min[i], x[i] + k * grad[i]));
            }
        }
        float[] raw = new float[n];
        for (int i = 0; i < n; i++) {
            raw[i] = s.scale(i) == 0 ? 0 : Math.min(255, Math.max(0, (x[i] - s.offset(i)) / s.scale(i)));
        }
        return raw;
    }

    /** Refuses a model whose input is not a picture, in one line. */
    public static void requireImage(MlpModel model) {
        if (!model.isImage()) {
            throw new LockstepException("imagine draws a picture of an image model's input, but this model takes "
                    + model.architecture().inputSize() + " features that are not an image");
        }
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
        requireImage(model);
        int height = model.height(), width = model.width();
        int gap = 4, caption = 16, cell = width * scale + gap;
        BufferedImage img = new BufferedImage(
                classes.length * cell + gap, height * scale + caption + 2 * gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        for (int c = 0; c < classes.length; c++) {
            float[] raw = input(model, classes[c]);
            int x0 = gap + c * cell;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int rgb = Palette.grey(raw[y * width + x]);
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++) img.setRGB(x0 + x * scale + dx, gap + y * scale + dy, rgb);
                }
            }
            g.drawString(String.valueOf(classes[c]), x0 + width * scale / 2 - 3, gap + height * scale + caption - 2);
        }
        g.dispose();
        return img;
    }

    /** PNG bytes of a picture, for writing through Hadoop's FileSystem. */
    public static byte[] png(BufferedImage image) {
        return Png.of(image);
    }
}
