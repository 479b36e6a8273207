package dev.lockstep.train.rows;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.lockstep.data.DataFormatException;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * A {@link DataFormatException} raised by a task (a corrupt block, a label out of range, an unreadable picture),
 * brought back to the driver as the task's result instead of failing the task. A failed task is what Spark
 * retries ({@code spark.task.maxFailures}, 4 on a cluster) and reports with stack traces on the console from
 * executor, task set and scheduler alike; bad input is not transient, and its message is already the user's line.
 * Only bad content travels this way: a file that cannot be read just now (an I/O error, a lost datanode) may well
 * be read by a second attempt, so that still fails the task for Spark to retry.
 *
 * <p>A cached partition's rows are computed inside Spark's block store, before any job's function sees them, and a
 * failed computation is logged there too; so a source that finds bad rows puts a DataError in their place
 * ({@link #inPlaceOf}), and {@link PartitionJob} raises it when a task reaches it.
 *
 * <p>Java-serialized under Kryo too: Kryo cannot rebuild a Throwable's internals.
 */
@DefaultSerializer(JavaSerializer.class)
public final class DataError implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DataFormatException error;

    private DataError(DataFormatException error) {
        this.error = error;
    }

    /**
     * The error as it was thrown, or, should something in its cause chain not serialize, its message and stack alone.
     */
    public static DataError of(DataFormatException error) {
        try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            out.writeObject(error);
            return new DataError(error);
        } catch (IOException notSerializable) {
            DataFormatException plain = new DataFormatException(error.getMessage());
            plain.setStackTrace(error.getStackTrace());
            return new DataError(plain);
        }
    }

    /** One element standing for the rows of a partition that could not be read, in an RDD of some other type. */
    @SuppressWarnings("unchecked") // only PartitionJob reads such an RDD, and it checks for this element first
    public static <T> Iterator<T> inPlaceOf(DataFormatException error) {
        return (Iterator<T>) List.of((Object) of(error)).iterator();
    }

    /** The exception the task threw, with the executor's stack trace. */
    public DataFormatException error() {
        return error;
    }
}
