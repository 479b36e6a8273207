package dev.lockstep.report;

import java.awt.Color;

/** Colour maps for pixel pictures: grey for digits, a diverging blue-white-red for signed weights. */
final class Palette {
    private Palette() {}

    /** Ink as MNIST has it, bright on black: raw intensity 0..255. */
    static int grey(float raw) {
        int g = Math.max(0, Math.min(255, Math.round(raw)));
        return 0xFF000000 | g << 16 | g << 8 | g;
    }

    /** {@code t} in [-1, 1]: negative blue, zero white, positive red (colour-blind safe, unlike red-green). */
    static int diverging(double t) {
        t = Math.max(-1, Math.min(1, t));
        Color end = t < 0 ? new Color(33, 102, 172) : new Color(178, 24, 43);
        double a = Math.abs(t);
        int r = (int) Math.round(255 + (end.getRed() - 255) * a);
        int g = (int) Math.round(255 + (end.getGreen() - 255) * a);
        int b = (int) Math.round(255 + (end.getBlue() - 255) * a);
        return 0xFF000000 | r << 16 | g << 8 | b;
    }
}
