package dev.lockstep.train.step;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs a task's partitions side by side: the first on the task's own thread, the others on a pool shared by
 * every task of this JVM. Each thread keeps its own {@link Workspaces}, so the pool grows to what the busiest
 * moment needed and idle threads end after a minute.
 */
final class PartitionThreads {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lockstep-partition-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private PartitionThreads() {}

    /** {@code work.apply(i)} for i in 0..count-1, results in that order; the first failure is rethrown. */
    static <R> List<R> map(int count, IntFunction<R> work) {
        List<Future<R>> others = new ArrayList<>(Math.max(0, count - 1));
        for (int i = 1; i < count; i++) {
            int index = i;
            others.add(POOL.submit(() -> work.apply(index)));
        }
        List<R> results = new ArrayList<>(count);
        try {
            results.add(work.apply(0));
            for (Future<R> f : others) results.add(f.get());
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the task's other partitions ran", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        } finally {
            for (Future<R> f : others) f.cancel(true); // a failed or killed task leaves nothing running
        }
    }
}
