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
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * "What does the network think a 3 looks like?": gradient ascent on the input for the log-probability of one
 * class, regularised so that the result is a picture a person can read, not a pattern only the network sees.
 *
 * <ul>
 *   <li>It starts from the data's mean image, and an L2 prior pulls every pixel back towards it.
 *   <li>Each step is preconditioned by the data's pixel covariance ({@link ImagePrior}): the image moves only in the
 *       directions real images vary in, in proportion to how much they vary, so pixels that are always dark stay
 *       dark and ink appears as whole strokes. (With the L2 prior this is natural-gradient ascent under a Gaussian
 *       prior with the data's mean and covariance.) Without the data's covariance a Gaussian blur of the gradient
 *       stands in for it: neighbouring pixels move together.
 *   <li>The image is shifted by up to a pixel in a random direction (seeded) before each gradient: a pattern that
 *       only works pixel-exact fades away.
 *   <li>Once the class is at {@link #STOP} probability, the class stops pulling and only the prior acts: the image
 *       gets no more extreme than it must.
 *   <li>The result is stretched in contrast as an MNIST digit is (its faintest {@link #BLACK} black, its brightest
 *       {@code 1 - }{@link #WHITE} full ink), rounded to whole intensities, as drawn, and then, without shifts,
 *       ascended until the network gives that very image {@link #TARGET} probability (or a step budget runs out).
 * </ul>
 *
 * Steps are normalised by the preconditioned gradient's RMS, so one schedule suits models whose gradients differ
 * in scale by orders of magnitude. Deterministic: the same model, prior, class and seed give the same pixels.
 */
public final class Imagine {
    static final int STEPS = 400;
    static final double FIRST_STEP = 0.05; // in units of the full pixel range
    static final double LAST_STEP = 0.002;
    static final double PRIOR = 0.3; // pull towards the mean image, against the class's RMS-normalised pull of 1
    static final int JITTER = 1; // pixels
    static final double BLUR_SIGMA = 1; // pixels: the stand-in for a covariance
    static final double STOP = 0.99;
    static final double BLACK = 0.75; // quantiles of the contrast stretch
    static final double WHITE = 0.95;
    static final double TARGET = 0.95;
    static final int POLISH_STEPS = 200;
    static final double POLISH_STEP = 0.005;
    static final int GAP = 4; // screen pixels around each picture in a row
    /** The seed of the jitter when none is given. */
    public static final long DEFAULT_SEED = 1;

    private Imagine() {}

    /**
     * The imagined input for {@code digit}, as raw intensities 0..255 (what {@code Classifier.probabilities} takes),
     * whole numbers, exactly as {@link #image} draws them.
     *
     * @param prior the data's mean image and covariance (see {@link ImagePrior}), or null to start from blank
     */
    public static float[] input(MlpModel model, ImagePrior prior, int digit, long seed) {
        requireImage(model);
        int n = model.architecture().inputSize();
        if (digit < 0 || digit >= model.architecture().outputSize()) {
            throw new IllegalArgumentException(
                    "class " + digit + " is not in 0.." + (model.architecture().outputSize() - 1));
        }
        if (prior != null && prior.pixels() != n) {
            throw new IllegalArgumentException("a prior of " + prior.pixels() + " pixels for " + n + " inputs");
        }
        return new Ascent(model, prior, digit, seed).run();
    }

    /** Refuses a model whose input is not a picture, in one line. */
    public static void requireImage(MlpModel model) {
        if (!model.isImage()) {
            throw new LockstepException("imagine draws a picture of an image model's input, but this model takes "
                    + model.architecture().inputSize() + " features that are not an image");
        }
    }

    /** One class's imagined input as a picture, {@code scale} screen pixels per input pixel. */
    public static BufferedImage image(MlpModel model, ImagePrior prior, int digit, long seed, int scale) {
        return row(model, prior, new int[] {digit}, seed, scale);
    }

    /** Every class's imagined input side by side, labelled, in class order. */
    public static BufferedImage all(MlpModel model, ImagePrior prior, long seed, int scale) {
        int[] classes = new int[model.architecture().outputSize()];
        for (int c = 0; c < classes.length; c++) classes[c] = c;
        return row(model, prior, classes, seed, scale);
    }

    private static BufferedImage row(MlpModel model, ImagePrior prior, int[] classes, long seed, int scale) {
        requireImage(model);
        int height = model.height(), width = model.width();
        int gap = GAP, caption = 16, cell = width * scale + gap;
        BufferedImage img = new BufferedImage(
                classes.length * cell + gap, height * scale + caption + 2 * gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        for (int c = 0; c < classes.length; c++) {
            float[] raw = input(model, prior, classes[c], seed);
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

    /** One class's ascent, on the image in units of the pixel range: 0 no ink, 1 full ink. */
    private static final class Ascent {
        private final int digit, n, height, width;
        private final Mlp mlp;
        private final InputScaling scaling;
        private final ImagePrior prior;
        private final double[] start, u, grad, moved;
        private final float[] netGrad;
        private final SplittableRandom random;

        Ascent(MlpModel model, ImagePrior prior, int digit, long seed) {
            this.digit = digit;
            this.n = model.architecture().inputSize();
            this.height = model.height();
            this.width = model.width();
            this.scaling = model.scaling();
            this.mlp = new Mlp(model.architecture(), 1);
            mlp.setParameters(model.parameters());
            this.prior = prior;
            this.start = new double[n];
            if (prior != null) for (int i = 0; i < n; i++) start[i] = clamp(prior.mean(i) / 255.0);
            this.u = start.clone();
            this.grad = new double[n];
            this.moved = new double[n];
            this.netGrad = new float[n];
            // One stream per class, so that drawing one class gives the same picture as drawing all of them.
            this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + digit);
        }

        float[] run() {
            for (int step = 0; step < STEPS; step++) {
                int dx = random.nextInt(2 * JITTER + 1) - JITTER;
                int dy = random.nextInt(2 * JITTER + 1) - JITTER;
                double p = classGradient(u, dx, dy);
                precondition();
                // At the target the class stops pulling: the prior alone shapes the rest.
                double pull = p >= STOP ? 0 : 1 / rms(moved);
                if (!Double.isFinite(pull)) pull = 0;
                double rate = FIRST_STEP + (LAST_STEP - FIRST_STEP) * step / (STEPS - 1);
                for (int i = 0; i < n; i++) u[i] = clamp(u[i] + rate * (pull * moved[i] - PRIOR * (u[i] - start[i])));
            }
            stretch(u);
            double[] drawn = new double[n];
            round(u, drawn);
            for (int step = 0; step < POLISH_STEPS && classGradient(drawn, 0, 0) < TARGET; step++) {
                precondition();
                double k = POLISH_STEP / rms(moved);
                if (!Double.isFinite(k)) break;
                for (int i = 0; i < n; i++) u[i] = clamp(u[i] + k * moved[i]);
                round(u, drawn);
            }
            float[] raw = new float[n];
            for (int i = 0; i < n; i++) raw[i] = (float) (drawn[i] * 255);
            return raw;
        }

        /** {@link #moved} = the data's covariance times {@link #grad}, or without it, the gradient blurred. */
        private void precondition() {
            if (prior != null && prior.multiply(grad, moved)) return;
            System.arraycopy(grad, 0, moved, 0, n);
            blur(moved);
        }

        /**
         * Maps the image's {@link #BLACK} quantile to no ink and its {@link #WHITE} quantile to full ink: the haze the
         * prior leaves around the strokes goes, and the strokes are as bright as a real digit's.
         */
        private void stretch(double[] image) {
            double[] sorted = image.clone();
            Arrays.sort(sorted);
            double black = sorted[(int) (BLACK * (n - 1))], white = sorted[(int) (WHITE * (n - 1))];
            if (!(white - black > 1e-6)) return; // a flat image: nothing to stretch
            for (int i = 0; i < n; i++) image[i] = clamp((image[i] - black) / (white - black));
        }

        /**
         * Fills {@link #grad} with d log p(digit) / d pixel of {@code image} seen shifted by (dx, dy), mapped back to
         * the unshifted pixels; returns p(digit).
         */
        private double classGradient(double[] image, int dx, int dy) {
            float[] x = mlp.input();
            for (int y = 0; y < height; y++) {
                for (int c = 0; c < width; c++) {
                    int sy = y - dy, sc = c - dx, i = y * width + c;
                    double v = sy >= 0 && sy < height && sc >= 0 && sc < width ? image[sy * width + sc] : 0;
                    x[i] = scaling.apply(i, (float) (v * 255));
                }
            }
            double p = StrictMath.exp(mlp.inputGradient(digit, netGrad));
            Arrays.fill(grad, 0);
            for (int y = 0; y < height; y++) {
                for (int c = 0; c < width; c++) {
                    int sy = y - dy, sc = c - dx, i = y * width + c;
                    if (sy >= 0 && sy < height && sc >= 0 && sc < width)
                        grad[sy * width + sc] = netGrad[i] * 255.0 * scaling.scale(i);
                }
            }
            return p;
        }

        private double rms(double[] v) {
            double sq = 0;
            for (double g : v) sq += g * g;
            return Math.sqrt(sq / v.length);
        }

        /** A separable Gaussian blur; beyond the border is no ink. */
        private void blur(double[] image) {
            int r = (int) Math.ceil(3 * BLUR_SIGMA);
            double[] k = new double[2 * r + 1];
            double sum = 0;
            for (int j = -r; j <= r; j++) sum += k[j + r] = StrictMath.exp(-j * j / (2 * BLUR_SIGMA * BLUR_SIGMA));
            for (int j = 0; j < k.length; j++) k[j] /= sum;
            double[] across = new double[n];
            for (int y = 0; y < height; y++) {
                for (int c = 0; c < width; c++) {
                    double a = 0;
                    for (int j = -r; j <= r; j++) {
                        if (c + j >= 0 && c + j < width) a += k[j + r] * image[y * width + c + j];
                    }
                    across[y * width + c] = a;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int c = 0; c < width; c++) {
                    double a = 0;
                    for (int j = -r; j <= r; j++) {
                        if (y + j >= 0 && y + j < height) a += k[j + r] * across[(y + j) * width + c];
                    }
                    image[y * width + c] = a;
                }
            }
        }

        private static double clamp(double v) {
            return Math.min(1, Math.max(0, v));
        }

        /** Whole intensities 0..255, as the PNG holds them, in units of the range. */
        private static void round(double[] image, double[] out) {
            for (int i = 0; i < image.length; i++) out[i] = Math.round(image[i] * 255) / 255.0;
        }
    }
}
