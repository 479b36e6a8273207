package dev.lockstep.data;

import org.apache.hadoop.conf.Configuration;

/**
 * Reads images from CSV in the common {@code label,p0,...,p783} layout (Kaggle's MNIST files), with
 * or without a header line, plain or gzip-compressed, from any Hadoop file system. Pixels are integers
 * 0-255 and labels 0-9. 784 pixel columns make 28x28 images, another square number square images,
 * anything else images of one row.
 */
public final class CsvReader {
    private CsvReader() {}

    public static LabeledImages read(Configuration conf, String uri) {
        return read(conf, uri, HeapBudget.JVM);
    }

    static LabeledImages read(Configuration conf, String uri, HeapBudget budget) {
        try (InputFile in = InputFile.open(conf, uri)) {
            return new CsvParser(in, budget).parse();
        }
    }
}
