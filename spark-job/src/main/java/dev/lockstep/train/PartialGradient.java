package dev.lockstep.train;

import java.io.Serializable;

/** One partition's contribution to a step: the summed (not averaged) gradient of its rows, their loss and count. */
final class PartialGradient implements Serializable {
    private static final long serialVersionUID = 1L;

    final float[] gradient;
    final double loss;
    final int rows;
    final long fetchNanos;   // reading the broadcast parameters
    final long computeNanos; // assembling rows, forward and backward

    PartialGradient(float[] gradient, double loss, int rows, long fetchNanos, long computeNanos) {
        this.gradient = gradient;
        this.loss = loss;
        this.rows = rows;
        this.fetchNanos = fetchNanos;
        this.computeNanos = computeNanos;
    }
}
