package dev.lockstep.cli;

import dev.lockstep.TestData;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command in a JVM of its own, started as {@code deploy/lockstep} starts one: this JVM's module flags (Spark's
 * {@code --add-opens}, the Vector API), the project's {@code conf/} and log configuration, this class path. For what
 * the suite's own JVM cannot show: a console without the suite's SparkContext, a heap smaller than the suite's.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** The exit code and what the child printed. */
    record Result(int code, String out, String err) {}

    /**
     * @param dir where the child runs and its output is kept
     * @param heap its {@code -Xmx} value, such as {@code 256m}
     * @param jvmOptions further JVM options, before the main class
     */
    static Result run(Path dir, String heap, List<String> jvmOptions, Class<?> main, List<String> args)
            throws IOException, InterruptedException {
        Path conf = TestData.projectDir().resolve("conf");
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("-Djdk.reflect"))
                cmd.add(a);
        }
        cmd.add("-Dlog4j2.configurationFile=file:" + conf.resolve("log4j2.properties"));
        cmd.add("-Dlockstep.conf.dir=" + conf);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        File out = Files.createTempFile(dir, "child", ".out").toFile();
        File err = Files.createTempFile(dir, "child", ".err").toFile();
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(out)
                .redirectError(err);
        pb.environment().remove("LOCKSTEP_DEBUG");
        pb.environment().remove("LOCKSTEP_CONF_DIR");
        pb.environment().remove("SPARK_LOCAL_IP"); // the UI and addresses as a user gets them by default
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("no answer within 5 minutes: " + String.join(" ", args));
        }
        return new Result(
                p.exitValue(),
                Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
