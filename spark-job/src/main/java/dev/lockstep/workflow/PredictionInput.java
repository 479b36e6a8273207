package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.data.CsvReader;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.IdxReader;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.model.Classifier;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.MnistImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** One file to score: a picture, an IDX image file (labels used when found beside it) or a CSV file. */
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
     * Pictures are brought to MNIST's 28x28 form: a model taking another input size is refused, in the user's
     * words, before any picture is read.
     */
    public static void requirePictureModel(List<PredictionInput> inputs, MlpModel model, String modelUri) {
        int pictureInputs = MnistImage.SIDE * MnistImage.SIDE;
        int n = model.architecture().inputSize();
        if (n == pictureInputs) return;
        for (PredictionInput input : inputs) {
            if (input.kind != Kind.IMAGE) continue;
            int side = (int) Math.round(Math.sqrt(n));
            String shape = side * side == n ? " (" + side + "x" + side + " images)" : "";
            throw new LockstepException(
                    input.uri + ": pictures are scored as " + MnistImage.SIDE + "x" + MnistImage.SIDE
                            + " images (" + pictureInputs + " inputs), but the model " + modelUri + " takes " + n
                            + " inputs" + shape
                            + "; score IDX or CSV files of " + n
                            + "-pixel rows with it, or use a model trained on 28x28 images");
        }
    }

    static boolean isImage(String uri) {
        String name = uri.toLowerCase(Locale.ROOT);
        return IMAGE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** The rows of a table input (IDX or CSV); labels are -1 where the file has none. */
    LabeledImages rows(Configuration conf) {
        if (kind == Kind.CSV) return CsvReader.read(conf, uri);
        Optional<String> labels = DataFiles.labelsBeside(conf, uri);
        return labels.isPresent() ? IdxReader.read(conf, uri, labels.get()) : IdxReader.readImagesOnly(conf, uri);
    }

    /** The rows, refused here when they do not fit the model (not later, as a failed task on every executor). */
    LabeledImages rowsFor(Configuration conf, MlpModel model) {
        LabeledImages rows = rows(conf);
        if (rows.features() != model.architecture().inputSize()) {
            throw new LockstepException(uri + ": rows have " + rows.features() + " pixels but the model expects "
                    + model.architecture().inputSize());
        }
        return rows;
    }

    boolean hasLabels(Configuration conf) {
        return kind == Kind.CSV
                || (kind == Kind.IDX && DataFiles.labelsBeside(conf, uri).isPresent());
    }

    public List<Prediction> score(Classifier classifier, Configuration conf) {
        if (kind == Kind.IMAGE) {
            return List.of(Prediction.of(uri, -1, -1, classifier.probabilities(readImage(conf, uri))));
        }
        LabeledImages rows = rowsFor(conf, classifier.model());
        boolean labelled = hasLabels(conf);
        int features = rows.features();
        List<Prediction> out = new ArrayList<>(rows.count());
        float[] pixels = new float[features];
        byte[] all = rows.pixels();
        for (int r = 0; r < rows.count(); r++) {
            for (int i = 0; i < features; i++) pixels[i] = all[r * features + i] & 0xFF;
            out.add(Prediction.of(uri, r, labelled ? rows.label(r) : -1, classifier.probabilities(pixels)));
        }
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
