package dev.lockstep.data;

import static dev.lockstep.data.TestData.CONF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {
    @TempDir
    Path dir;

    private final LabeledImages train = TestData.random(20, 28, 28, 1);
    private final LabeledImages test = TestData.random(10, 28, 28, 2);

    @Test
    void dataDirWithTrainAndTestIdx() {
        String[] trainFiles = TestData.writeIdxPair(dir, "train", train, true);
        String[] testFiles = TestData.writeIdxPair(dir, "t10k", test, false);

        DataFiles files = DataFiles.resolve(CONF, dir.toString(), null, null);

        assertEquals(DataFiles.Source.idx(trainFiles[0], trainFiles[1]), files.train());
        assertEquals(Optional.of(DataFiles.Source.idx(testFiles[0], testFiles[1])), files.test());
        assertArrayEquals(train.labels(), files.loadTrain(CONF).labels());
        assertArrayEquals(test.pixels(), files.loadTest(CONF).orElseThrow().pixels());
    }

    @Test
    void dataDirWithTrainOnly() {
        TestData.writeIdxPair(dir, "train", train, true);

        DataFiles files = DataFiles.resolve(CONF, dir.toString(), null, null);

        assertFalse(files.test().isPresent());
        assertTrue(files.loadTest(CONF).isEmpty());
    }

    @Test
    void dataDirWithCsv() {
        String trainCsv = writeCsv("train.csv", train, true);
        String testCsv = TestData.write(
                dir.resolve("test.csv.gz"),
                TestData.gzip(TestData.csv(test, false).getBytes(StandardCharsets.US_ASCII)));

        DataFiles files = DataFiles.resolve(CONF, dir.toString(), null, null);

        assertEquals(DataFiles.Source.csv(trainCsv), files.train());
        assertEquals(DataFiles.Source.csv(testCsv), files.test().orElseThrow());
        assertArrayEquals(train.pixels(), files.loadTrain(CONF).pixels());
        assertArrayEquals(test.labels(), files.loadTest(CONF).orElseThrow().labels());
    }

    @Test
    void bundledSampleDirectory() {
        String mnist = ProjectDir.find().resolve("data/mnist").toString();

        DataFiles files = DataFiles.resolve(CONF, mnist, null, null);

        assertTrue(
                files.train().uri().endsWith("train-images-idx3-ubyte.gz"),
                files.train().uri());
        assertTrue(files.train().labelsUri().endsWith("train-labels-idx1-ubyte.gz"));
    }

    @Test
    void emptyDataDir() {
        LockstepException e =
                assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, dir.toString(), null, null));

        assertEquals(
                "no training data in " + dir + ": expected train-images-idx3-ubyte[.gz] and "
                        + "train-labels-idx1-ubyte[.gz], or train.csv[.gz]",
                e.getMessage());
    }

    @Test
    void imagesWithoutLabelsInDataDir() {
        TestData.writeIdxPair(dir, "train", train, true);
        TestData.write(dir.resolve("t10k-images-idx3-ubyte"), TestData.imagesIdx(test));

        LockstepException e =
                assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, dir.toString(), null, null));

        assertTrue(
                e.getMessage().endsWith("t10k-images-idx3-ubyte but no t10k-labels-idx1-ubyte[.gz] to go with it"),
                e.getMessage());
    }

    @Test
    void missingDataDir() {
        String missing = dir.resolve("nowhere").toString();

        LockstepException e = assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, missing, null, null));

        assertEquals(missing + ": no such directory", e.getMessage());
    }

    @Test
    void trainPathFindsLabelsByName() {
        String[] files = TestData.writeIdxPair(dir.resolve("a"), "train", train, true);
        String images = TestData.write(dir.resolve("b/my-images.bin"), TestData.imagesIdx(test));
        String labels = TestData.write(dir.resolve("b/my-labels.bin"), TestData.labelsIdx(test));

        assertEquals(
                DataFiles.Source.idx(files[0], files[1]),
                DataFiles.resolve(CONF, null, files[0], null).train());
        DataFiles both = DataFiles.resolve(CONF, null, files[0], images);
        assertEquals(DataFiles.Source.idx(images, labels), both.test().orElseThrow());
    }

    @Test
    void trainPathAcceptsGzImagesWithRawLabels() {
        String images =
                TestData.write(dir.resolve("train-images-idx3-ubyte.gz"), TestData.gzip(TestData.imagesIdx(train)));
        String labels = TestData.write(dir.resolve("train-labels-idx1-ubyte"), TestData.labelsIdx(train));

        assertEquals(
                DataFiles.Source.idx(images, labels),
                DataFiles.resolve(CONF, null, images, null).train());
    }

    @Test
    void explicitImagesAndLabels() {
        String images = TestData.write(dir.resolve("x"), TestData.imagesIdx(train));
        String labels = TestData.write(dir.resolve("y"), TestData.labelsIdx(train));

        DataFiles files = DataFiles.resolve(CONF, null, images + "," + labels, null);

        assertEquals(DataFiles.Source.idx(images, labels), files.train());
        assertArrayEquals(train.labels(), files.loadTrain(CONF).labels());
    }

    @Test
    void csvWithALabelsFileIsAnError() {
        String csv = writeCsv("digits.csv", train, false);

        LockstepException e =
                assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, null, csv + "," + csv, null));

        assertTrue(e.getMessage().endsWith("a CSV file holds its own labels; give it alone"), e.getMessage());
    }

    @Test
    void csvTrainPath() {
        String csv = writeCsv("digits.csv", train, false);

        assertEquals(
                DataFiles.Source.csv(csv),
                DataFiles.resolve(CONF, null, csv, null).train());
    }

    @Test
    void imagesWithoutFindableLabels() {
        String images = TestData.write(dir.resolve("pictures.idx"), TestData.imagesIdx(train));
        String orphan = TestData.write(dir.resolve("more-images.idx"), TestData.imagesIdx(train));

        LockstepException noName =
                assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, null, images, null));
        LockstepException noFile =
                assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, null, orphan, null));

        assertTrue(noName.getMessage().startsWith(images + ": cannot tell where its labels are"), noName.getMessage());
        assertEquals(
                orphan + ": no labels file " + dir.resolve("more-labels.idx") + "[.gz] next to it;"
                        + " give IMAGES,LABELS",
                noFile.getMessage());
    }

    @Test
    void missingTrainPath() {
        String missing = dir.resolve("train.csv").toString();

        LockstepException e = assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, null, missing, null));

        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void needsExactlyOneOfDataAndTrain() {
        assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, null, null, null));
        assertThrows(LockstepException.class, () -> DataFiles.resolve(CONF, dir.toString(), "x.csv", null));
    }

    @Test
    void labelsNameSubstitution() {
        assertEquals("train-labels-idx1-ubyte.gz", DataFiles.labelsName("train-images-idx3-ubyte.gz"));
        assertEquals("train-labels.idx1-ubyte", DataFiles.labelsName("train-images.idx3-ubyte"));
        assertEquals("fashion-labels.bin", DataFiles.labelsName("fashion-images.bin"));
    }

    private String writeCsv(String name, LabeledImages data, boolean header) {
        return TestData.write(dir.resolve(name), TestData.csv(data, header).getBytes(StandardCharsets.US_ASCII));
    }
}
