package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.data.CsvReader;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.FeatureCsv;
import dev.lockstep.data.IdxReader;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.RowBlock;
import dev.lockstep.model.Classifier;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.MnistImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One file to score: a picture, an IDX image file (labels used when found beside it) or a CSV file (of pixels for an
 * image model, of any numbers for another model).
 */
public record PredictionInput(String uri, Kind kind) {
    enum Kind {
        IMAGE,
        IDX,
        CSV
    }

    private static final List<String> IMAGE_SUFFIXES = List.of(".png", ".jpg", ".jpeg", ".gif", ".bmp");

    /**
     * The inputs as given, with directories replaced by the files in them (sorted; labels files and hidden files
     * skipped).
     */
    public static List<PredictionInput> expand(Configuration conf, List<String> uris) {
        List<PredictionInput> found = new ArrayList<>();
        for (String uri : uris) {
            Path p = new Path(uri);
            try {
                FileSystem fs = p.getFileSystem(conf);
                if (!fs.exists(p)) throw new LockstepException(uri + ": no such file or directory");
                if (fs.getFileStatus(p).isDirectory()) {
                    FileStatus[] children = fs.listStatus(p);
                    Arrays.sort(children);
                    for (FileStatus c : children) {
                        String name = c.getPath().getName();
                        if (c.isFile() && !name.startsWith(".") && !name.startsWith("_") && !name.contains("labels")) {
                            found.add(of(c.getPath().toString()));
                        }
                    }
                } else {
                    found.add(of(uri));
                }
            } catch (IOException e) {
                throw new LockstepException(uri + ": " + e.getMessage(), e);
            }
        }
        return found;
    }

    static PredictionInput of(String uri) {
        String name = uri.toLowerCase(Locale.ROOT);
        if (IMAGE_SUFFIXES.stream().anyMatch(name::endsWith)) return new PredictionInput(uri, Kind.IMAGE);
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) return new PredictionInput(uri, Kind.CSV);
        return new PredictionInput(uri, Kind.IDX);
    }

    /**
     * Pictures are brought to MNIST's 28x28 form: a model taking anything else (another image size, or features that
     * are not a picture) is refused, in the user's words, before any picture is read.
     */
    public static void requirePictureModel(List<PredictionInput> inputs, MlpModel model, String modelUri) {
        if (takesPictures(model)) return;
        int n = model.architecture().inputSize();
        for (PredictionInput input : inputs) {
            if (input.kind != Kind.IMAGE) continue;
            String takes = model.isImage()
                    ? n + " inputs (" + model.height() + "x" + model.width() + " images); score IDX or CSV files of "
                            + n + "-pixel rows with it"
                    : n + " features that are not a picture; score CSV rows of " + n + " values with it";
            throw new LockstepException(
                    input.uri + ": pictures are scored as " + MnistImage.SIDE + "x" + MnistImage.SIDE
                            + " images (" + MnistImage.SIDE * MnistImage.SIDE + " inputs), but the model " + modelUri
                            + " takes " + takes + ", or use a model trained on 28x28 images");
        }
    }

    private static boolean takesPictures(MlpModel model) {
        return model.isImage() && model.height() == MnistImage.SIDE && model.width() == MnistImage.SIDE;
    }

    static boolean isImage(String uri) {
        String name = uri.toLowerCase(Locale.ROOT);
        return IMAGE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /**
     * The rows of a table input (IDX or CSV), refused here when they do not fit the model (not later, as a failed
     * task on every executor). An image model reads CSV as training does (a label, then pixels 0-255); any other
     * model reads rows of numbers of its width, a label first optional ({@link FeatureCsv}).
     */
    TableRows rowsFor(Configuration conf, MlpModel model) {
        int inputs = model.architecture().inputSize();
        if (kind == Kind.CSV && !model.isImage()) {
            FeatureCsv.Rows rows =
                    FeatureCsv.read(conf, uri, inputs, model.architecture().outputSize());
            return new TableRows(rows.block(), rows.labelled());
        }
        LabeledImages rows;
        boolean labelled;
        if (kind == Kind.CSV) {
            rows = CsvReader.read(conf, uri);
            labelled = true;
        } else {
            Optional<String> labels = DataFiles.labelsBeside(conf, uri);
            rows = labels.isPresent() ? IdxReader.read(conf, uri, labels.get()) : IdxReader.readImagesOnly(conf, uri);
            labelled = labels.isPresent();
        }
        if (rows.features() != inputs) {
            throw new LockstepException(
                    uri + ": rows have " + rows.features() + " pixels but the model expects " + inputs);
        }
        return new TableRows(new RowBlock(0, rows.count(), rows.features(), rows.pixels(), rows.labels()), labelled);
    }

    /**
     * A file's rows as one block, and whether its labels are real (else they are 0 and not shown). A class, not a
     * record: it is broadcast, and Kryo, a common cluster serializer, cannot build records.
     */
    static final class TableRows implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RowBlock block;
        private final boolean labelled;

        TableRows(RowBlock block, boolean labelled) {
            this.block = block;
            this.labelled = labelled;
        }

        RowBlock block() {
            return block;
        }

        /** Row {@code r} scored: {@code row} is scratch space of the block's width. */
        Prediction score(String uri, Classifier classifier, int r, float[] row) {
            for (int i = 0; i < row.length; i++) row[i] = block.raw(r, i);
            return Prediction.of(uri, r, labelled ? block.label(r) : -1, classifier.probabilities(row));
        }
    }

    public List<Prediction> score(Classifier classifier, Configuration conf) {
        if (kind == Kind.IMAGE) {
            return List.of(Prediction.of(uri, -1, -1, classifier.probabilities(readImage(conf, uri))));
        }
        TableRows rows = rowsFor(conf, classifier.model());
        int count = rows.block().count();
        List<Prediction> out = new ArrayList<>(count);
        float[] row = new float[rows.block().features()];
        for (int r = 0; r < count; r++) out.add(rows.score(uri, classifier, r, row));
        return out;
    }

    static BufferedImage readImage(Configuration conf, String uri) {
        Path p = new Path(uri);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            return decode(in, uri);
        } catch (IOException e) {
            throw new LockstepException(uri + ": cannot read image: " + e.getMessage(), e);
        }
    }

    /** A picture, decoded only after its declared size is known to fit (see {@link PictureReader}). */
    static BufferedImage decode(InputStream in, String uri) throws IOException {
        return PictureReader.decode(in, uri);
    }
}
