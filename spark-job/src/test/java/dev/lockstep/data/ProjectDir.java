package dev.lockstep.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root: surefire passes it as lockstep.project.dir; IDEs may not, so walk up too. */
final class ProjectDir {
    private ProjectDir() {}

    static Path find() {
        String configured = System.getProperty("lockstep.project.dir");
        if (configured != null && Files.isDirectory(Path.of(configured, "data"))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("data/mnist"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the project's data/ directory");
    }
}
