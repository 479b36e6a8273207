package dev.lockstep.ml;

import dev.lockstep.model.ModelFile;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * Saves a {@link LockstepClassificationModel}: Spark ML's metadata (class, uid, parameters) as every stage has it,
 * and the network as a Lockstep model file under {@code data/}. {@link MLWriter#save} has already dealt with an
 * existing directory ({@code overwrite()}).
 */
final class ModelWriter extends MLWriter {
    private final LockstepClassificationModel instance;

    ModelWriter(LockstepClassificationModel instance) {
        this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
        DefaultParamsWriter.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
        ModelFile.write(
                sc().hadoopConfiguration(),
                new Path(path, LockstepClassificationModel.MODEL_FILE).toString(),
                instance.model());
    }
}
