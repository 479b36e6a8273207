package dev.lockstep.report;

import dev.lockstep.model.MlpModel;
import dev.lockstep.nn.Architecture;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * The first layer's weights drawn as images, one tile per hidden unit: the pattern of pixels that excites the unit
 * (red) or inhibits it (blue). Each tile is scaled to its own largest magnitude, so that weak units still show
 * their shape; white is zero.
 */
final class WeightTiles {
    static final int MAX_UNITS = 64;
    static final int COLUMNS = 8;
    static final int SCALE = 3;
    static final int GAP = 4;

    private WeightTiles() {}

    /** The tiles of an image model ({@code height x width} pixels a tile). */
    static BufferedImage draw(MlpModel model) {
        if (!model.isImage()) throw new IllegalArgumentException("the model's input is not an image");
        Architecture arch = model.architecture();
        float[] params = model.parameters();
        int in = arch.inputSize();
        int height = model.height(), width = model.width();
        int units = Math.min(MAX_UNITS, arch.size(1));
        int cellW = width * SCALE + GAP, cellH = height * SCALE + GAP;
        int cols = Math.min(COLUMNS, units), rows = (units + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * cellW + GAP, rows * cellH + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        for (int u = 0; u < units; u++) {
            int w0 = arch.weightOffset(0) + u * in;
            double max = 1e-12;
            for (int k = 0; k < in; k++) max = Math.max(max, Math.abs(params[w0 + k]));
            int x0 = GAP + (u % cols) * cellW, y0 = GAP + (u / cols) * cellH;
            for (int k = 0; k < in; k++) {
                int rgb = Palette.diverging(params[w0 + k] / max);
                int x = x0 + (k % width) * SCALE, y = y0 + (k / width) * SCALE;
                for (int dy = 0; dy < SCALE; dy++) for (int dx = 0; dx < SCALE; dx++) img.setRGB(x + dx, y + dy, rgb);
            }
        }
        return img;
    }
}
