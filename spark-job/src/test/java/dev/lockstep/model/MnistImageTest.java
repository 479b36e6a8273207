package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MnistImageTest {
    static BufferedImage drawn(int w, int h, Color background, Color ink, Consumer<Graphics2D> draw) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, w, h);
        g.setColor(ink);
        g.setStroke(new BasicStroke(Math.max(2, w / 12f), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        draw.accept(g);
        g.dispose();
        return img;
    }

    @Test
    void inkEndsUpBrightInA20PixelBoxCentredByMass() {
        // A tall bar off to the side of a big white picture.
        float[] px = MnistImage.pixels(drawn(300, 200, Color.WHITE, Color.BLACK, g -> g.drawLine(40, 30, 40, 170)));
        assertEquals(784, px.length);
        int top = 28, bottom = -1, left = 28, right = -1;
        double mass = 0, mx = 0, my = 0, max = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                float v = px[y * 28 + x];
                assertTrue(v >= 0 && v <= 255);
                max = Math.max(max, v);
                if (v > 25) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
                mass += v;
                mx += v * (x + 0.5);
                my += v * (y + 0.5);
            }
        }
        assertEquals(255, max, 1);
        assertEquals(20, bottom - top + 1, 1, "the longer side is scaled to 20 pixels");
        assertTrue(right - left + 1 <= 6, "aspect ratio kept: a bar stays thin");
        assertEquals(14, mx / mass, 0.6);
        assertEquals(14, my / mass, 0.6);
        assertEquals(0, px[0]); // background black
    }

    @Test
    void polarityAndSizeDoNotMatter() {
        float[] darkOnLight =
                MnistImage.pixels(drawn(280, 280, Color.WHITE, Color.BLACK, g -> g.drawOval(70, 40, 140, 200)));
        float[] lightOnDark =
                MnistImage.pixels(drawn(280, 280, Color.BLACK, Color.WHITE, g -> g.drawOval(70, 40, 140, 200)));
        assertArrayEquals(darkOnLight, lightOnDark, 1f);
    }

    @Test
    void aBlankImageIsRefused() {
        BufferedImage blank = drawn(50, 50, Color.WHITE, Color.WHITE, g -> {});
        assertThrows(LockstepException.class, () -> MnistImage.pixels(blank));
    }
}
