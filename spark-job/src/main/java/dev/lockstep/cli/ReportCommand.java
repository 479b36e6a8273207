package dev.lockstep.cli;

import dev.lockstep.Printable;
import dev.lockstep.UsageException;
import dev.lockstep.report.RegistryReport;
import dev.lockstep.report.RunReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "report",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Draw what a training run learned (charts; for image models also digit grids, weights, imagined digits) "
                    + "into RUN/report.html and RUN/report/*.png, or the accuracy of every run of a registry over "
                    + "time. Runs without Spark."
        })
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--run",
            paramLabel = "DIR",
            description = "A run directory (train --out, or a registry's runs/ID).")
    String run;

    @Option(
            names = "--registry",
            paramLabel = "URI",
            description = "A model registry: plot every run's accuracy, promoted and rejected.")
    String registry;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Score the digit grids on this data instead of the run's recorded data "
                    + "(its test set, else the run's validation hold-out).")
    String data;

    @Override
    public Integer call() {
        if ((run == null) == (registry == null)) throw new UsageException("give either --run DIR or --registry URI");
        if (data != null && run == null) throw new UsageException("--data only applies with --run");
        Configuration hadoop = SparkSetup.Environment.load().hadoop();
        PrintWriter err = spec.commandLine().getErr();
        RunReport.Written w = run != null
                ? RunReport.write(hadoop, run, data)
                : RegistryReport.write(hadoop, registry, m -> err.println(Printable.warning(m)));
        print(err, w);
        return 0;
    }

    static void print(PrintWriter err, RunReport.Written w) {
        for (String note : w.notes()) err.println("[lockstep] report: " + note);
        err.println("[lockstep] report: " + w.html() + " (" + w.pngs().size() + " pictures)");
        err.flush();
    }
}
