package dev.lockstep.train.rows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration, serializable so tasks open files exactly as the driver resolved them.
 *
 * <p>Spark's own {@code SerializableConfiguration} is private to Scala code, and rebuilding a configuration on the
 * executor from {@code spark.hadoop.*} would lose whatever the driver's {@code HADOOP_CONF_DIR} added (an HA
 * nameservice, s3a endpoints) when executors lack those files. So the whole configuration travels, written with
 * its own {@code Writable} form (tens of kilobytes), in a broadcast fetched once per executor. Kept as bytes, not
 * through writeObject hooks, because Kryo (a common cluster setting) ignores those.
 */
final class ShippedConf implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The configuration in its Writable form: plain bytes survive Java and Kryo serialization alike. */
    private final byte[] written;

    private transient Configuration conf;

    ShippedConf(Configuration conf) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            new Configuration(conf).write(out); // a snapshot: later changes on the driver do not leak in
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the Hadoop configuration", e);
        }
        this.written = bytes.toByteArray();
    }

    synchronized Configuration get() {
        if (conf == null) {
            Configuration c = new Configuration(false);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(written))) {
                c.readFields(in);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the shipped Hadoop configuration", e);
            }
            conf = c;
        }
        return conf;
    }
}
