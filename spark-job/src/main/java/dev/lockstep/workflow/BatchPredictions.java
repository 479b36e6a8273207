package dev.lockstep.workflow;

import dev.lockstep.model.Classifier;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.train.rows.PartitionJob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.input.PortableDataStream;
import scala.Tuple2;

/**
 * Scoring on the cluster: pictures are read and decoded by the executors ({@code binaryFiles}); IDX and CSV rows
 * are read by the driver and scored in partitions. The model travels in its own file format, so executors load
 * it exactly as {@code ModelFile.read} does.
 */
public final class BatchPredictions {
    private BatchPredictions() {}

    public static List<Prediction> score(
            JavaSparkContext sc, Configuration conf, MlpModel model, List<PredictionInput> inputs) {
        Broadcast<byte[]> modelBytes = sc.broadcast(encode(model));
        try {
            List<Prediction> all = new ArrayList<>();
            List<String> images = inputs.stream()
                    .filter(i -> i.kind() == PredictionInput.Kind.IMAGE)
                    .map(PredictionInput::uri)
                    .collect(Collectors.toList());
            if (!images.isEmpty()) {
                JavaRDD<Tuple2<String, PortableDataStream>> files = sc.binaryFiles(
                                String.join(",", images), Math.max(1, sc.defaultParallelism()))
                        .rdd()
                        .toJavaRDD();
                PartitionJob.<Tuple2<String, PortableDataStream>, ArrayList<Prediction>>of(part -> {
                            Classifier c = new Classifier(decode(modelBytes.value()));
                            ArrayList<Prediction> out = new ArrayList<>();
                            while (part.hasNext()) {
                                var f = part.next();
                                try (InputStream in = f._2().open()) {
                                    out.add(Prediction.of(
                                            f._1(), -1, -1, c.probabilities(PredictionInput.decode(in, f._1()))));
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }
                            return out;
                        })
                        .runOn(sc, files, listType())
                        .forEach(all::addAll);
            }
            for (PredictionInput input : inputs) {
                if (input.kind() == PredictionInput.Kind.IMAGE) continue;
                PredictionInput.TableRows rows = input.rowsFor(conf, model);
                String uri = input.uri();
                int count = rows.block().count();
                int features = rows.block().features();
                List<int[]> ranges = new ArrayList<>();
                int parts = Math.max(1, sc.defaultParallelism());
                for (int p = 0; p < parts; p++)
                    ranges.add(new int[] {(int) ((long) count * p / parts), (int) ((long) count * (p + 1) / parts)});
                Broadcast<PredictionInput.TableRows> shipped = sc.broadcast(rows);
                try {
                    PartitionJob.<int[], ArrayList<Prediction>>of(it -> {
                                Classifier c = new Classifier(decode(modelBytes.value()));
                                PredictionInput.TableRows table = shipped.value();
                                float[] row = new float[features];
                                ArrayList<Prediction> out = new ArrayList<>();
                                while (it.hasNext()) {
                                    int[] range = it.next();
                                    for (int r = range[0]; r < range[1]; r++) out.add(table.score(uri, c, r, row));
                                }
                                return out;
                            })
                            .runOn(sc, sc.parallelize(ranges, parts), listType())
                            .forEach(all::addAll);
                } finally {
                    shipped.destroy();
                }
            }
            all.sort(Comparator.comparing(Prediction::input).thenComparingLong(Prediction::row));
            return all;
        } finally {
            modelBytes.destroy();
        }
    }

    /** Each task's predictions come back as one list (Spark needs the class of a job's results). */
    @SuppressWarnings("unchecked")
    private static Class<ArrayList<Prediction>> listType() {
        return (Class<ArrayList<Prediction>>) (Class<?>) ArrayList.class;
    }

    private static byte[] encode(MlpModel model) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelFile.write(out, model);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MlpModel decode(byte[] bytes) {
        try {
            return ModelFile.read(new ByteArrayInputStream(bytes), "model", bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
