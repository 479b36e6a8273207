package dev.lockstep;

import dev.lockstep.data.IdxReader;
import dev.lockstep.data.LabeledImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;

/** The bundled 10,000-image MNIST sample under data/mnist, read once per JVM. */
public final class TestData {
    private static LabeledImages sample;

    private TestData() {}

    public static Path projectDir() {
        String prop = System.getProperty("lockstep.project.dir");
        if (prop != null) return Paths.get(prop).toAbsolutePath().normalize();
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("data/mnist"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the project's data/mnist directory");
        return p;
    }

    public static Path sampleDir() {
        return projectDir().resolve("data/mnist");
    }

    public static synchronized LabeledImages sample() {
        if (sample == null) {
            Path dir = sampleDir();
            sample = IdxReader.read(
                    new Configuration(),
                    dir.resolve("train-images-idx3-ubyte.gz").toString(),
                    dir.resolve("train-labels-idx1-ubyte.gz").toString());
        }
        return sample;
    }
}
