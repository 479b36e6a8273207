package dev.lockstep.train.rows;

import dev.lockstep.data.DataFormatException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * A function of one partition that runs as a Spark job returning one result per partition, in partition order.
 *
 * <p>Why not {@code rdd.mapPartitions(f).collect()}: both wrap the function in Scala lambdas that Spark's
 * ClosureCleaner inspects on every job by parsing class files with ASM (RDD, JavaRDDLike: large classes). On
 * {@code local[2]} that took about 5 ms of a 7 ms empty job, measured; a plain named class handed straight to
 * {@code SparkContext.runJob} is not a closure to clean, and the same empty job takes about 2 ms.
 *
 * <p>Bad input found by a task (a {@link DataFormatException} thrown by the function, or a {@link DataError} among a
 * cached partition's elements) does not fail the task: it comes back as the task's result, the driver cancels the
 * job's other tasks and {@link #runOn} throws the task's exception itself. So Spark neither retries the task nor
 * logs its failure.
 */
public abstract class PartitionJob<T, U> extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, U>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Tags this JVM's jobs apart, so that a data error cancels exactly the job it came from. */
    private static final AtomicLong JOBS = new AtomicLong();

    /** The work on one partition's elements, on an executor. */
    protected abstract U call(Iterator<T> partition);

    /** A job of {@code f}, for code outside this package. */
    public static <T, U> PartitionJob<T, U> of(PartitionFunction<T, U> f) {
        return new Of<>(f);
    }

    private static final class Of<T, U> extends PartitionJob<T, U> {
        private static final long serialVersionUID = 1L;
        private final PartitionFunction<T, U> f;

        Of(PartitionFunction<T, U> f) {
            this.f = f;
        }

        @Override
        protected U call(Iterator<T> partition) {
            return f.apply(partition);
        }
    }

    /** What {@link #of} runs on each partition; serializable, since it travels to the executors. */
    @FunctionalInterface
    public interface PartitionFunction<T, U> extends Serializable {
        U apply(Iterator<T> partition);
    }

    @SuppressWarnings("unchecked") // a DataError in U's place: only Collect below ever sees it
    @Override
    public final U apply(TaskContext context, scala.collection.Iterator<T> partition) {
        try {
            return call(new Checked<>(CollectionConverters.asJava(partition)));
        } catch (DataFormatException e) {
            return (U) DataError.of(e);
        }
    }

    /** A partition's elements; a {@link DataError} among them (rows that could not be read) is thrown. */
    private static final class Checked<T> implements Iterator<T> {
        private final Iterator<T> elements;

        Checked(Iterator<T> elements) {
            this.elements = elements;
        }

        @Override
        public boolean hasNext() {
            return elements.hasNext();
        }

        @Override
        public T next() {
            T next = elements.next();
            if (next instanceof DataError e) throw e.error();
            return next;
        }
    }

    /** Runs this function on every partition of {@code rdd} as one job; the results come back in partition order. */
    public final List<U> runOn(JavaSparkContext sc, JavaRDD<T> rdd, Class<U> resultType) {
        return runOn(sc, rdd, resultType, rdd.getNumPartitions());
    }

    /** Runs this function on the first {@code partitions} partitions only (the bench measures what a task costs). */
    public final List<U> runOn(JavaSparkContext sc, JavaRDD<T> rdd, Class<U> resultType, int partitions) {
        Object[] results = new Object[partitions];
        List<Object> ids = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) ids.add(p);
        String tag = "lockstep-job-" + JOBS.incrementAndGet();
        Collect<U> collect = new Collect<>(results, sc.sc(), tag);
        sc.sc().addJobTag(tag);
        try {
            sc.sc()
                    .runJob(
                            rdd.rdd(),
                            this,
                            CollectionConverters.asScala(ids).toList(),
                            collect,
                            ClassTag$.MODULE$.apply(resultType));
        } catch (Exception e) { // SparkException: checked in Java's eyes, undeclared in Scala's, rethrown as it came
            // A data error's cancel ends the job with "Job N cancelled": the task's own exception is the news.
            if (collect.dataError == null) throw e;
        } finally {
            sc.sc().removeJobTag(tag);
        }
        if (collect.dataError != null) {
            awaitKilledTasks(sc.sc(), tag);
            throw collect.dataError.error();
        }
        @SuppressWarnings("unchecked")
        List<U> list = (List<U>) Arrays.asList(results);
        return list;
    }

    /**
     * Waits, a bounded while, until the tasks a data error's cancel killed have ended: the job is over for the
     * scheduler at once, but a killed task runs on until it sees the kill, and a caller that stops Spark meanwhile
     * (a command ending on the error) races it, and Spark then prints its own traces of rejected work.
     */
    private static void awaitKilledTasks(SparkContext sc, String tag) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (hasActiveTasks(sc.statusTracker(), tag) && System.nanoTime() < deadline) Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean hasActiveTasks(SparkStatusTracker tracker, String tag) {
        for (int job : tracker.getJobIdsForTag(tag)) {
            Option<SparkJobInfo> info = tracker.getJobInfo(job);
            if (info.isEmpty()) continue;
            for (int stage : info.get().stageIds()) {
                Option<SparkStageInfo> s = tracker.getStageInfo(stage);
                if (s.isDefined() && s.get().numActiveTasks() > 0) return true;
            }
        }
        return false;
    }

    /**
     * Puts each partition's result in its slot; runs on the driver only (in Spark's scheduler thread). The first
     * data error is kept and the job's other tasks cancelled: resident tasks would otherwise wait for their next
     * step forever.
     */
    private static final class Collect<U> extends AbstractFunction2<Object, U, BoxedUnit> {
        private final Object[] results;
        private final SparkContext sc;
        private final String tag;
        private volatile DataError dataError;

        Collect(Object[] results, SparkContext sc, String tag) {
            this.results = results;
            this.sc = sc;
            this.tag = tag;
        }

        @Override
        public BoxedUnit apply(Object partition, U result) {
            if (result instanceof DataError e) {
                if (dataError == null) {
                    dataError = e;
                    sc.cancelJobsWithTag(tag);
                }
            } else {
                results[(Integer) partition] = result;
            }
            return BoxedUnit.UNIT;
        }
    }
}
