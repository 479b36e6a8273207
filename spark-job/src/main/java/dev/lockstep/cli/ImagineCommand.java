package dev.lockstep.cli;

import dev.lockstep.UsageException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.report.Imagine;
import java.awt.image.BufferedImage;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "imagine",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = "Draw the input an image model finds most like a class: gradient ascent on the input from a"
                + " blank image.")
final class ImagineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file (model.lsm).")
    String model;

    @Option(
            names = "--digit",
            required = true,
            paramLabel = "D|all",
            description = "The class to imagine, or 'all' for a row of every class.")
    String digit;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE.png",
            description = "Where to write the PNG (any Hadoop FileSystem URI).")
    String out;

    @Option(names = "--scale", defaultValue = "4", description = "Screen pixels per input pixel (default 4).")
    int scale;

    @Override
    public Integer call() {
        if (scale < 1 || scale > 32) throw new UsageException("--scale must be 1 to 32");
        Configuration hadoop = SparkSetup.Environment.load().hadoop();
        MlpModel m = ModelFile.read(hadoop, model);
        Imagine.requireImage(m);
        int classes = m.architecture().outputSize();
        BufferedImage image;
        if (digit.equalsIgnoreCase("all")) {
            image = Imagine.all(m, scale);
        } else {
            int d;
            try {
                d = Integer.parseInt(digit);
            } catch (NumberFormatException e) {
                d = -1;
            }
            if (d < 0 || d >= classes) {
                throw new UsageException(
                        "bad value '" + digit + "' for --digit: expected 0 to " + (classes - 1) + " or all");
            }
            image = Imagine.image(m, d, scale);
        }
        byte[] png = Imagine.png(image);
        AtomicFiles.write(hadoop, out, o -> o.write(png));
        spec.commandLine()
                .getErr()
                .println("[lockstep] imagined " + (digit.equalsIgnoreCase("all") ? "every class" : "class " + digit)
                        + " in " + out);
        return 0;
    }
}
