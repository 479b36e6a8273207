package dev.lockstep.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Scored digits as a grid of enlarged tiles, each captioned with the prediction and the true label; a wrong
 * prediction gets a red frame and a red caption so it can be spotted at a glance.
 */
final class DigitGrid {
    static final int SCALE = 3;
    static final int CAPTION = 16;
    static final int GAP = 6;
    static final Color WRONG = new Color(200, 30, 30);

    /** One scored image: raw pixels 0..255, row-major. */
    record Tile(float[] pixels, int width, int height, int predicted, int label, float confidence) {
        boolean wrong() {
            return predicted != label;
        }
    }

    private DigitGrid() {}

    static BufferedImage draw(List<Tile> tiles, int columns) {
        int w = tiles.isEmpty() ? 28 : tiles.get(0).width(),
                h = tiles.isEmpty() ? 28 : tiles.get(0).height();
        int cellW = w * SCALE + GAP, cellH = h * SCALE + CAPTION + GAP;
        int cols = Math.max(1, Math.min(columns, tiles.size()));
        int rows = Math.max(1, (tiles.size() + cols - 1) / cols);
        BufferedImage img = new BufferedImage(cols * cellW + GAP, rows * cellH + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        if (tiles.isEmpty()) {
            g.setColor(Color.DARK_GRAY);
            g.drawString("none", GAP, 20);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int t = 0; t < tiles.size(); t++) {
            Tile tile = tiles.get(t);
            int x0 = GAP + (t % cols) * cellW, y0 = GAP + (t / cols) * cellH;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = Palette.grey(tile.pixels()[y * w + x]);
                    for (int dy = 0; dy < SCALE; dy++) {
                        for (int dx = 0; dx < SCALE; dx++) img.setRGB(x0 + x * SCALE + dx, y0 + y * SCALE + dy, rgb);
                    }
                }
            }
            if (tile.wrong()) {
                g.setColor(WRONG);
                g.setStroke(new BasicStroke(2));
                g.drawRect(x0 - 1, y0 - 1, w * SCALE + 1, h * SCALE + 1);
            }
            g.setColor(tile.wrong() ? WRONG : Color.DARK_GRAY);
            g.drawString(
                    String.format(
                            Locale.ROOT, "p%d t%d %.0f%%", tile.predicted(), tile.label(), 100 * tile.confidence()),
                    x0,
                    y0 + h * SCALE + CAPTION - 3);
        }
        g.dispose();
        return img;
    }
}
