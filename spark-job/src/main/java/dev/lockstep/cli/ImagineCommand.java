package dev.lockstep.cli;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.report.ImagePrior;
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
        description = "Draw the input an image model finds most like a class: gradient ascent on the input from the"
                + " data's mean image, regularised so that a person can read it.")
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

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Training data (IDX, CSV or prepared) whose mean image is where the ascent starts and what it"
                    + " is pulled back to, and whose pixel covariance shapes its steps. Default: the rows the model's"
                    + " run directory was evaluated on, if any.")
    String data;

    @Option(
            names = "--seed",
            defaultValue = "" + Imagine.DEFAULT_SEED,
            description = "Seed of the random shifts (default ${DEFAULT-VALUE}); the same seed draws the same picture.")
    long seed;

    @Option(names = "--scale", defaultValue = "4", description = "Screen pixels per input pixel (default 4).")
    int scale;

    @Override
    public Integer call() {
        if (scale < 1 || scale > 32) throw new UsageException("--scale must be 1 to 32");
        Configuration hadoop = SparkSetup.Environment.load().hadoop();
        MlpModel m = ModelFile.read(hadoop, model);
        Imagine.requireImage(m);
        int classes = m.architecture().outputSize();
        boolean all = digit.equalsIgnoreCase("all");
        int d = -1;
        if (!all) {
            try {
                d = Integer.parseInt(digit);
            } catch (NumberFormatException e) {
                d = -1;
            }
            if (d < 0 || d >= classes) {
                throw new UsageException(
                        "bad value '" + digit + "' for --digit: expected 0 to " + (classes - 1) + " or all");
            }
        }
        ImagePrior prior = prior(hadoop, m);
        BufferedImage image = all ? Imagine.all(m, prior, seed, scale) : Imagine.image(m, prior, d, seed, scale);
        byte[] png = Imagine.png(image);
        AtomicFiles.write(hadoop, out, o -> o.write(png));
        spec.commandLine()
                .getErr()
                .println("[lockstep] imagined " + (all ? "every class" : "class " + digit) + " in " + out);
        return 0;
    }

    /** The prior: --data's images, else the run's evaluation rows, else none (said in one line). */
    private ImagePrior prior(Configuration hadoop, MlpModel m) {
        int inputs = m.architecture().inputSize();
        if (data != null) return ImagePrior.read(hadoop, data, inputs);
        String why;
        try {
            ImagePrior prior = ImagePrior.ofRun(hadoop, model, inputs);
            if (prior != null) return prior;
            why = "the model is not in a run directory";
        } catch (LockstepException e) {
            why = e.getMessage();
        }
        spec.commandLine()
                .getErr()
                .println("[lockstep] no mean image (" + why + "): drawn from a blank image, which reads less like the"
                        + " data; give --data DIR with the training images");
        return null;
    }
}
