package dev.lockstep.train.exchange;

import dev.lockstep.train.sum.SumTree;
import dev.lockstep.train.timing.StepTime;
import java.io.Serializable;

/**
 * One task's contribution to a step: for each {@link SumTree} node it covers, the summed (not averaged) gradient
 * of the node's rows and their loss; then its rows' count and how many of them the parameters before the step
 * already predicted right. A node of one partition travels at the run's {@link dev.lockstep.train.sum.WirePrecision},
 * a node of several in float32 (sums of partitions already rounded to the wire's precision, so the driver's total is
 * the same whichever task added them).
 */
public final class PartialGradient implements Serializable {
    private static final long serialVersionUID = 3L;

    final int[] nodeLo;
    final int[] nodeHi;
    /** The nodes' gradients; none when the answer is a {@link #slice} instead. */
    public final ExchangedBytes[] gradients;
    /**
     * In a sharded exchange ({@link ShardedStepChannel}), the sum over every task of the answering task's slice of
     * the parameters, float32; null otherwise.
     */
    public final ExchangedBytes slice;

    public final double[] losses;
    public final int rows;
    public final int correct;
    /** The task's own parts: {@code FETCH}, {@code COMPUTE}, {@code TASK_START} and {@code TASK_END}. */
    public final StepTime time;

    public PartialGradient(
            int[] nodeLo,
            int[] nodeHi,
            ExchangedBytes[] gradients,
            double[] losses,
            int rows,
            int correct,
            StepTime time) {
        this(nodeLo, nodeHi, gradients, null, losses, rows, correct, time);
    }

    private PartialGradient(
            int[] nodeLo,
            int[] nodeHi,
            ExchangedBytes[] gradients,
            ExchangedBytes slice,
            double[] losses,
            int rows,
            int correct,
            StepTime time) {
        this.nodeLo = nodeLo;
        this.nodeHi = nodeHi;
        this.gradients = gradients;
        this.slice = slice;
        this.losses = losses;
        this.rows = rows;
        this.correct = correct;
        this.time = time;
    }

    /** A task's time: what reading the parameters and computing took, and its wall clock (micros) at start and end. */
    public static StepTime taskTime(long fetchNanos, long computeNanos, long startMicros, long endMicros) {
        return StepTime.NONE
                .with(StepTime.Part.FETCH, fetchNanos)
                .with(StepTime.Part.COMPUTE, computeNanos)
                .with(StepTime.Part.TASK_START, startMicros * 1000)
                .with(StepTime.Part.TASK_END, endMicros * 1000);
    }

    /** A sharded exchange's answer: the task's nodes' losses and counts, and its slice's sum over every task. */
    static PartialGradient sliced(
            int[] nodeLo, int[] nodeHi, double[] losses, ExchangedBytes slice, int rows, int correct, StepTime time) {
        return new PartialGradient(nodeLo, nodeHi, new ExchangedBytes[0], slice, losses, rows, correct, time);
    }

    public SumTree.Node node(int i) {
        return new SumTree.Node(nodeLo[i], nodeHi[i]);
    }
}
