package dev.lockstep.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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
 */
abstract class PartitionJob<T, U> extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, U>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The work on one partition's elements, on an executor. */
    abstract U call(Iterator<T> partition);

    @Override public final U apply(TaskContext context, scala.collection.Iterator<T> partition) {
        return call(scala.jdk.javaapi.CollectionConverters.asJava(partition));
    }

    /** Runs this function on every partition of {@code rdd} as one job; the results come back in partition order. */
    final List<U> runOn(JavaSparkContext sc, JavaRDD<T> rdd, Class<U> resultType) {
        return runOn(sc, rdd, resultType, rdd.getNumPartitions());
    }

    /** Runs this function on the first {@code partitions} partitions only (the bench measures what a task costs). */
    final List<U> runOn(JavaSparkContext sc, JavaRDD<T> rdd, Class<U> resultType, int partitions) {
        Object[] results = new Object[partitions];
        List<Object> ids = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) ids.add(p);
        sc.sc().runJob(rdd.rdd(), this, scala.jdk.javaapi.CollectionConverters.asScala(ids).toList(), new Collect<U>(results),
                ClassTag$.MODULE$.apply(resultType));
        @SuppressWarnings("unchecked")
        List<U> list = (List<U>) Arrays.asList(results);
        return list;
    }

    /** Puts each partition's result in its slot; runs on the driver only. */
    private static final class Collect<U> extends AbstractFunction2<Object, U, BoxedUnit> {
        private final Object[] results;

        Collect(Object[] results) {
            this.results = results;
        }

        @Override public BoxedUnit apply(Object partition, U result) {
            results[(Integer) partition] = result;
            return BoxedUnit.UNIT;
        }
    }
}
