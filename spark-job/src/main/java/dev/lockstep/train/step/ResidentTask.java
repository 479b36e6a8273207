package dev.lockstep.train.step;

import dev.lockstep.data.RowBlock;
import dev.lockstep.train.exchange.StepChannel;
import dev.lockstep.train.exchange.StepOrder;
import dev.lockstep.train.exchange.TaskAttempt;
import dev.lockstep.train.rows.PartitionJob;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;

/**
 * What each task of a resident epoch's job runs: it splits its cached blocks by partition once, then computes
 * step after step as the driver hands them over, until the epoch ends. Returns the steps it computed.
 */
final class ResidentTask extends PartitionJob<RowBlock, Long> {
    private static final long serialVersionUID = 1L;
    /** How often a task waiting for the next step checks whether Spark killed it. */
    static final long KILL_CHECK_MILLIS = 100;

    private final StepChannel.Endpoint endpoint;
    private final TaskGradient gradient;

    ResidentTask(StepChannel.Endpoint endpoint, TaskGradient gradient) {
        this.endpoint = endpoint;
        this.gradient = gradient;
    }

    @Override
    protected Long call(Iterator<RowBlock> blocks) {
        TaskContext context = TaskContext.get();
        TaskAttempt attempt = TaskAttempt.of(context);
        int task = attempt.task();
        List<List<RowBlock>> partitions = gradient.layout().split(task, blocks);
        long computed = 0;
        try (StepChannel.Link link = endpoint.connect(attempt)) {
            long done = -1;
            while (true) {
                StepOrder order = link.next(done, KILL_CHECK_MILLIS);
                context.killTaskIfInterrupted();
                if (order == null) continue;
                if (order.isEnd()) return computed;
                long startMicros = WallClock.micros();
                link.reply(
                        order.id(),
                        gradient.compute(
                                task,
                                partitions,
                                order.parameters(),
                                order.batchRows(),
                                order.epoch(),
                                0,
                                startMicros,
                                0));
                done = order.id();
                computed++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.killTaskIfInterrupted();
            throw new IllegalStateException("interrupted while waiting for the next step", e);
        }
    }
}
