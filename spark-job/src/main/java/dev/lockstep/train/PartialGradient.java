package dev.lockstep.train;

import java.io.Serializable;

/** One partition's contribution to a step: the summed (not averaged) gradient of its rows, their loss and count. */
final class PartialGradient implements Serializable {
    private static final long serialVersionUID = 1L;

    final float[] gradient;
    final double loss;
    final int rows;

    PartialGradient(float[] gradient, double loss, int rows) {
        this.gradient = gradient;
        this.loss = loss;
        this.rows = rows;
    }
}
