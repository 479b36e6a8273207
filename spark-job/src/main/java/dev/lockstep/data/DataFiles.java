package dev.lockstep.data;

import dev.lockstep.LockstepException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Which files hold the training data and, optionally, the test data: found in a {@code --data}
 * directory by their standard MNIST names, or given directly with {@code --train}/{@code --test}.
 */
public final class DataFiles {
    /** One dataset's files: a CSV file, or an IDX images file with its labels file. */
    public record Source(String uri, String labelsUri) {
        public Source {
            Objects.requireNonNull(uri, "uri");
            if (isCsvName(uri) != (labelsUri == null)) {
                throw new IllegalArgumentException(
                        labelsUri == null
                                ? uri + " is not a .csv file, so it needs a labels file"
                                : uri + " is a CSV file and takes no labels file");
            }
        }

        public static Source csv(String uri) {
            return new Source(uri, null);
        }

        public static Source idx(String imagesUri, String labelsUri) {
            return new Source(imagesUri, Objects.requireNonNull(labelsUri, "labelsUri"));
        }

        public boolean isCsv() {
            return labelsUri == null;
        }

        public LabeledImages load(Configuration conf) {
            return isCsv() ? CsvReader.read(conf, uri) : IdxReader.read(conf, uri, labelsUri);
        }

        @Override
        public String toString() {
            return isCsv() ? uri : uri + "," + labelsUri;
        }
    }

    /** Compressed and raw copies read alike; these orders say which wins when both are present. */
    private static final String[] GZ_FIRST = {".gz", ""};

    private static final String[] RAW_FIRST = {"", ".gz"};

    private final Source train;
    private final Source test;

    public DataFiles(Source train, Optional<Source> test) {
        this.train = Objects.requireNonNull(train, "train");
        this.test = test.orElse(null);
    }

    public Source train() {
        return train;
    }

    public Optional<Source> test() {
        return Optional.ofNullable(test);
    }

    public LabeledImages loadTrain(Configuration conf) {
        return train.load(conf);
    }

    public Optional<LabeledImages> loadTest(Configuration conf) {
        return test().map(source -> source.load(conf));
    }

    /**
     * Finds the data files. {@code dataDir} and {@code trainPath} are alternatives; {@code testPath},
     * when given, overrides any test set found in {@code dataDir}. Any argument may be null.
     *
     * <p>A path is a CSV file ({@code .csv} or {@code .csv.gz}), an IDX images file whose labels file
     * has the matching name ({@code images-idx3} becomes {@code labels-idx1}, else {@code images}
     * becomes {@code labels}), or {@code IMAGES,LABELS}.
     */
    public static DataFiles resolve(Configuration conf, String dataDir, String trainPath, String testPath) {
        if (dataDir != null && trainPath != null) {
            throw new LockstepException("give either --data DIR or --train PATH, not both");
        }
        if (dataDir == null && trainPath == null) {
            throw new LockstepException("no training data given: use --data DIR or --train PATH");
        }
        Source train;
        Source test = null;
        if (dataDir != null) {
            requireDirectory(conf, dataDir);
            train = inDirectory(conf, dataDir, "train", "train");
            if (train == null) {
                throw new LockstepException("no training data in " + dataDir + ": expected "
                        + "train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz], or train.csv[.gz]");
            }
            if (testPath == null) {
                test = inDirectory(conf, dataDir, "t10k", "test");
            }
        } else {
            train = fromPath(conf, trainPath, "--train");
        }
        if (testPath != null) {
            test = fromPath(conf, testPath, "--test");
        }
        return new DataFiles(train, Optional.ofNullable(test));
    }

    /** The standard files of one dataset in {@code dir}, or null when there are none. */
    private static Source inDirectory(Configuration conf, String dir, String idxPrefix, String csvName) {
        String images = firstExisting(conf, dir, idxPrefix + "-images-idx3-ubyte", GZ_FIRST);
        String labels = firstExisting(conf, dir, idxPrefix + "-labels-idx1-ubyte", GZ_FIRST);
        if (images != null && labels != null) {
            return Source.idx(images, labels);
        }
        if (images != null || labels != null) {
            String missing = images == null ? "-images-idx3-ubyte[.gz]" : "-labels-idx1-ubyte[.gz]";
            throw new LockstepException(dir + " has " + (images != null ? images : labels) + " but no " + idxPrefix
                    + missing + " to go with it");
        }
        String csv = firstExisting(conf, dir, csvName + ".csv", RAW_FIRST);
        return csv == null ? null : Source.csv(csv);
    }

    private static String firstExisting(Configuration conf, String dir, String name, String[] suffixes) {
        for (String suffix : suffixes) {
            String candidate = HadoopFiles.child(dir, name + suffix);
            if (HadoopFiles.isFile(conf, candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Source fromPath(Configuration conf, String spec, String option) {
        int comma = spec.indexOf(',');
        if (comma >= 0) {
            String images = spec.substring(0, comma).strip();
            String labels = spec.substring(comma + 1).strip();
            if (images.isEmpty() || labels.isEmpty() || labels.indexOf(',') >= 0) {
                throw new LockstepException(option + " " + spec + ": expected IMAGES,LABELS (two paths)");
            }
            if (isCsvName(images)) {
                throw new LockstepException(option + " " + spec + ": a CSV file holds its own labels; give it alone");
            }
            HadoopFiles.existingFile(conf, images);
            HadoopFiles.existingFile(conf, labels);
            return Source.idx(images, labels);
        }
        FileStatus status = HadoopFiles.existingFile(conf, spec);
        if (isCsvName(spec)) {
            return Source.csv(spec);
        }
        return Source.idx(spec, labelsFor(conf, spec, status.getPath().getName()));
    }

    /** The labels file next to an IDX images file, if there is one (for scoring, where labels are optional). */
    public static Optional<String> labelsBeside(Configuration conf, String imagesUri) {
        String labelsName = labelsName(HadoopFiles.path(imagesUri).getName());
        if (labelsName == null) return Optional.empty();
        Path parent = HadoopFiles.path(imagesUri).getParent();
        String dir = parent == null ? "." : parent.toString();
        boolean gz = labelsName.endsWith(".gz");
        String base = gz ? labelsName.substring(0, labelsName.length() - 3) : labelsName;
        return Optional.ofNullable(firstExisting(conf, dir, base, gz ? GZ_FIRST : RAW_FIRST));
    }

    /** The labels file next to an images file, by the standard name substitution. */
    private static String labelsFor(Configuration conf, String imagesUri, String imagesName) {
        String labelsName = labelsName(imagesName);
        if (labelsName == null) {
            throw new LockstepException(imagesUri + ": cannot tell where its labels are (the name has no "
                    + "'images' to replace with 'labels'); give IMAGES,LABELS or a .csv file");
        }
        Path parent = HadoopFiles.path(imagesUri).getParent();
        String dir = parent == null ? "." : parent.toString();
        boolean gz = labelsName.endsWith(".gz");
        String base = gz ? labelsName.substring(0, labelsName.length() - 3) : labelsName;
        String labels = firstExisting(conf, dir, base, gz ? GZ_FIRST : RAW_FIRST);
        if (labels == null) {
            throw new LockstepException(imagesUri + ": no labels file " + HadoopFiles.child(dir, base)
                    + "[.gz] next to it; give IMAGES,LABELS");
        }
        return labels;
    }

    static String labelsName(String imagesName) {
        for (String[] rule :
                new String[][] {{"images-idx3", "labels-idx1"}, {"images.idx3", "labels.idx1"}, {"images", "labels"}}) {
            if (imagesName.contains(rule[0])) {
                return imagesName.replace(rule[0], rule[1]);
            }
        }
        return null;
    }

    private static void requireDirectory(Configuration conf, String dir) {
        FileStatus status = HadoopFiles.statusOrNull(conf, dir);
        if (status == null) {
            throw new LockstepException(dir + ": no such directory");
        }
        if (!status.isDirectory()) {
            throw new LockstepException(dir + ": is a file, expected a directory (use --train for a file)");
        }
    }

    static boolean isCsvName(String uri) {
        String name = HadoopFiles.path(uri).getName().toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".csv.gz");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataFiles other && train.equals(other.train) && Objects.equals(test, other.test);
    }

    @Override
    public int hashCode() {
        return Objects.hash(train, test);
    }

    @Override
    public String toString() {
        return "train " + train + (test == null ? "" : ", test " + test);
    }
}
