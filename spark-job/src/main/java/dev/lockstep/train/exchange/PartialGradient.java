package dev.lockstep.train.exchange;

import dev.lockstep.train.sum.SumTree;
import java.io.Serializable;

/**
 * One task's contribution to a step: for each {@link SumTree} node it covers, the summed (not averaged) gradient
 * of the node's rows and their loss; then its rows' count and how many of them the parameters before the step
 * already predicted right. A node of one partition travels at the run's {@link dev.lockstep.train.sum.WirePrecision},
 * a node of several in float32 (sums of partitions already rounded to the wire's precision, so the driver's total is
 * the same whichever task added them).
 */
public final class PartialGradient implements Serializable {
    private static final long serialVersionUID = 2L;

    final int[] nodeLo;
    final int[] nodeHi;
    public final ExchangedBytes[] gradients;
    public final double[] losses;
    public final int rows;
    public final int correct;
    public final long fetchNanos;   // reading the broadcast parameters
    public final long computeNanos; // assembling rows, forward and backward, on all of the task's threads
    public final long startMicros;  // wall clock when the task's function began and ended: with the driver's own clock
    public final long endMicros;    // (same host) they split a job into launch, run and result return

    public PartialGradient(int[] nodeLo, int[] nodeHi, ExchangedBytes[] gradients, double[] losses, int rows, int correct,
                    long fetchNanos, long computeNanos, long startMicros, long endMicros) {
        this.nodeLo = nodeLo;
        this.nodeHi = nodeHi;
        this.gradients = gradients;
        this.losses = losses;
        this.rows = rows;
        this.correct = correct;
        this.fetchNanos = fetchNanos;
        this.computeNanos = computeNanos;
        this.startMicros = startMicros;
        this.endMicros = endMicros;
    }

    public SumTree.Node node(int i) {
        return new SumTree.Node(nodeLo[i], nodeHi[i]);
    }
}
