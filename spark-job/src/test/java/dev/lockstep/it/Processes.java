package dev.lockstep.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lockstep.TestData;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged job the way users do, in child processes with a time limit. */
final class Processes {
    /** Spark's Java 17 flags, as deploy/lockstep passes them. */
    static final List<String> OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

    record Result(int code, String out, String err) {}

    private Processes() {}

    static Path jobJar() {
        return Path.of(System.getProperty("lockstep.job.jar"));
    }

    static Path libDir() {
        return Path.of(System.getProperty("lockstep.lib.dir"));
    }

    static Path launcher() {
        return TestData.projectDir().resolve("deploy/lockstep");
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java ... SparkSubmit <args>} from the Maven jars, as on a machine without a Spark installation. */
    static List<String> sparkSubmit(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.add("-Xmx1g");
        cmd.addAll(OPENS);
        cmd.add("-Dlog4j2.configurationFile=file:" + TestData.projectDir().resolve("conf/log4j2.properties"));
        cmd.add("-cp");
        cmd.add(libDir() + File.separator + "*");
        cmd.add("org.apache.spark.deploy.SparkSubmit");
        cmd.addAll(args);
        return cmd;
    }

    static Result run(List<String> command, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        return run(command, workDir, timeoutSeconds, Map.of());
    }

    /** As {@link #run(List, Path, long)}, with extra environment variables (a null value removes the variable). */
    static Result run(List<String> command, Path workDir, long timeoutSeconds, Map<String, String> env)
            throws IOException, InterruptedException {
        return start(command, workDir, env).finish(timeoutSeconds);
    }

    /** Starts a child process whose output goes to temporary files, readable while it runs. */
    static Started start(List<String> command, Path workDir, Map<String, String> env) throws IOException {
        Path out = Files.createTempFile("lockstep-it", ".out");
        Path err = Files.createTempFile("lockstep-it", ".err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("LOCKSTEP_DRIVER_MEMORY", "1g");
        env.forEach((k, v) -> {
            if (v == null) pb.environment().remove(k);
            else pb.environment().put(k, v);
        });
        return new Started(command, pb.start(), out, err);
    }

    /** A running child process; {@link #finish} waits for it (killing it and its descendants on time-out). */
    record Started(List<String> command, Process process, Path out, Path err) {
        /** Its stderr so far. */
        String errSoFar() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        /** Waits until its stderr contains {@code text}; fails if it exits first or the time runs out. */
        void awaitErr(String text, long timeoutSeconds) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!errSoFar().contains(text)) {
                if (!process.isAlive())
                    fail("exited with " + process.exitValue() + " before printing '" + text + "':\n" + errSoFar());
                if (System.nanoTime() > deadline) {
                    kill();
                    fail("no '" + text + "' within " + timeoutSeconds + " s: " + String.join(" ", command) + "\n"
                            + errSoFar());
                }
                Thread.sleep(200);
            }
        }

        Result finish(long timeoutSeconds) throws IOException, InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                kill();
                fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", command) + "\n"
                        + Files.readString(err));
            }
            Result r = new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
