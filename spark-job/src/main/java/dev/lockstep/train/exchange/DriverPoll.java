package dev.lockstep.train.exchange;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcTimeout;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A task's long poll of the driver for the first step after a given one: at most one outstanding, waited on in
 * slices so that the task can check between them whether it was killed, and asked again once it times out.
 */
final class DriverPoll {
    private static final ClassTag<byte[]> BYTES = ClassTag$.MODULE$.apply(byte[].class);

    private final RpcEndpointRef driver;
    private final LongFunction<byte[]> request;
    private final RpcTimeout timeout;
    private Future<byte[]> poll;
    private long polledAfter;

    /** @param request the poll's message for the step after a given one */
    DriverPoll(RpcEndpointRef driver, LongFunction<byte[]> request, RpcTimeout timeout) {
        this.driver = driver;
        this.request = request;
        this.timeout = timeout;
    }

    /**
     * The driver's answer to the poll for the step after {@code after}; null if none came within {@code waitMillis}.
     */
    byte[] answer(long after, long waitMillis) throws InterruptedException {
        if (poll == null || polledAfter != after) {
            poll = driver.ask(request.apply(after), timeout, BYTES);
            polledAfter = after;
        }
        try {
            Await.ready(poll, Duration.create(waitMillis, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return null;
        }
        scala.util.Try<byte[]> result = poll.value().get();
        poll = null;
        if (result.isSuccess()) return result.get();
        Throwable t = result.failed().get();
        if (t instanceof TimeoutException) return null; // the poll outlived its time-out (the driver was busy)
        throw new IllegalStateException("polling the driver for the next step failed: " + t.getMessage(), t);
    }
}
