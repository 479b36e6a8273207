package dev.lockstep.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration, serializable so tasks open files exactly as the driver resolved them.
 *
 * <p>Spark's own {@code SerializableConfiguration} is private to Scala code, and rebuilding a configuration on the
 * executor from {@code spark.hadoop.*} would lose whatever the driver's {@code HADOOP_CONF_DIR} added (an HA
 * nameservice, s3a endpoints) when executors lack those files. So the whole configuration travels, written with
 * its own {@code Writable} form (tens of kilobytes), in a broadcast fetched once per executor.
 */
final class ShippedConf implements Serializable {
    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    ShippedConf(Configuration conf) {
        this.conf = new Configuration(conf); // a snapshot: later changes on the driver do not leak in
    }

    Configuration get() {
        return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
