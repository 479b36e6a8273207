package dev.lockstep.train.checkpoint;

import dev.lockstep.LockstepException;
import dev.lockstep.data.HeapBudget;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.train.Checkpoint;
import dev.lockstep.train.TrainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A directory of checkpoints named by global step ({@code ckpt-000000001234.lsc}), on any Hadoop FileSystem.
 * Each is written whole and renamed into place, so a listing only ever shows complete files; the newest one
 * that also passes its checksum is the one to resume from.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{12})\\.lsc");

    private final Configuration conf;
    private final String dir;
    private final int keep;

    public Checkpoints(Configuration conf, String dir, int keep) {
        if (keep < 1) throw new IllegalArgumentException("must keep at least one checkpoint");
        this.conf = conf;
        this.dir = dir;
        this.keep = keep;
    }

    public String directory() {
        return dir;
    }

    String fileFor(long globalStep) {
        return new Path(dir, String.format("ckpt-%012d.lsc", globalStep)).toString();
    }

    /** Writes the checkpoint, then drops the oldest beyond the number to keep. */
    void save(Checkpoint c) {
        CheckpointFile.write(conf, fileFor(c.globalStep()), c);
        List<Long> steps = steps();
        for (int i = keep; i < steps.size(); i++) delete(fileFor(steps.get(i)));
    }

    /**
     * A fresh run's first checkpoint: written, then every other checkpoint here deleted, so that the run never
     * resumes from or prunes by another run's files. Not before: a run that fails before its first checkpoint
     * leaves the ones it found as they were.
     */
    void saveFirstOfFreshRun(Checkpoint c) {
        String own = fileFor(c.globalStep());
        CheckpointFile.write(conf, own, c);
        for (long step : steps()) {
            if (step != c.globalStep()) delete(fileFor(step));
        }
    }

    /** The newest checkpoint that reads back intact, whatever run wrote it; damaged ones are reported and skipped. */
    public Optional<Checkpoint> latest(PrintWriter warnings) {
        return latest(CheckpointFile.MAX_LENGTH, warnings);
    }

    /**
     * The newest checkpoint that reads back intact and could be one of a run of {@code config}. Damaged ones, and
     * files too long for such a checkpoint, are reported as warnings and skipped; one the heap cannot read fails.
     */
    public Optional<Checkpoint> latest(TrainConfig config, PrintWriter warnings) {
        return latest(CheckpointFile.maxLength(config), warnings);
    }

    private Optional<Checkpoint> latest(long maxLength, PrintWriter warnings) {
        for (long step : steps()) {
            try {
                return Optional.of(CheckpointFile.read(conf, fileFor(step), maxLength));
            } catch (HeapBudget.Exceeded e) {
                throw e; // an intact checkpoint too big for this heap: falling back to an older one would lose steps
            } catch (LockstepException e) {
                warnings.println("[lockstep] warning: skipping " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Global steps of the checkpoints present, newest first. */
    List<Long> steps() {
        List<Long> steps = new ArrayList<>();
        Path p = new Path(dir);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) return steps;
            for (FileStatus st : fs.listStatus(p)) {
                Matcher m = NAME.matcher(st.getPath().getName());
                if (m.matches() && !AtomicFiles.isTemporary(st.getPath().getName()))
                    steps.add(Long.parseLong(m.group(1)));
            }
        } catch (IOException e) {
            throw new LockstepException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
        }
        steps.sort(Comparator.reverseOrder());
        return steps;
    }

    private void delete(String uri) {
        Path p = new Path(uri);
        try {
            p.getFileSystem(conf).delete(p, false);
        } catch (IOException e) {
            throw new LockstepException("cannot delete old checkpoint " + uri + ": " + e.getMessage(), e);
        }
    }
}
