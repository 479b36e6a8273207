package dev.lockstep.ml;

import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import scala.Option;

/** Loads what {@link ModelWriter} saved; the model file is checked (version, checksum) as it is read. */
final class ModelReader extends MLReader<LockstepClassificationModel> {
    ModelReader() {}

    @Override
    public LockstepClassificationModel load(String path) {
        DefaultParamsReader.Metadata metadata =
                DefaultParamsReader.loadMetadata(path, sc(), LockstepClassificationModel.class.getName());
        MlpModel model = ModelFile.read(
                sc().hadoopConfiguration(), new Path(path, LockstepClassificationModel.MODEL_FILE).toString());
        LockstepClassificationModel result = new LockstepClassificationModel(metadata.uid(), model);
        metadata.getAndSetParams(result, Option.empty());
        return result;
    }
}
