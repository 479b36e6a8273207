package dev.lockstep.train;

import java.io.Serializable;

/**
 * One partition's contribution to a step: the summed (not averaged) gradient of its rows, their loss, count and
 * how many of them the parameters before the step already predicted right.
 */
final class PartialGradient implements Serializable {
    private static final long serialVersionUID = 1L;

    final ExchangedBytes gradient; // the summed gradient, encoded at the run's WirePrecision
    final double loss;
    final int rows;
    final int correct;
    final long fetchNanos;   // reading the broadcast parameters
    final long computeNanos; // assembling rows, forward and backward
    final long startMicros;  // wall clock when the task's function began and ended: with the driver's own clock
    final long endMicros;    // (same host) they split a job into launch, run and result return

    PartialGradient(ExchangedBytes gradient, double loss, int rows, int correct, long fetchNanos, long computeNanos,
                    long startMicros, long endMicros) {
        this.gradient = gradient;
        this.loss = loss;
        this.rows = rows;
        this.correct = correct;
        this.fetchNanos = fetchNanos;
        this.computeNanos = computeNanos;
        this.startMicros = startMicros;
        this.endMicros = endMicros;
    }
}
