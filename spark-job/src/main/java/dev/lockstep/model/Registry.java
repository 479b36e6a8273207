package dev.lockstep.model;

import dev.lockstep.LockstepException;
import dev.lockstep.Printable;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.HadoopPaths;
import dev.lockstep.io.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A model registry on any Hadoop FileSystem:
 * <pre>
 * REGISTRY/runs/RUN-ID/     one training run: model.lsm, model.json, metrics.json, history.jsonl, train.log,
 *                           status.json (promoted, rejected or failed, and why); application.json when a YARN
 *                           application's driver trains it (a later attempt of that application continues it)
 * REGISTRY/current.json     the serving run, and the runs that served before it (newest first)
 * REGISTRY/events.jsonl     what happened: promotions, rejections, rollbacks, failures
 * </pre>
 * {@code current.json} is only ever replaced whole (written under a temporary name, then renamed), so a reader
 * sees the old pointer or the new one, and the model it points to was complete before the pointer was written:
 * right before every switch (promotion or rollback), under the lock, the target's model is read back and checked.
 * Writers change {@code current.json} and {@code events.jsonl} only while holding {@code REGISTRY/.lock}
 * ({@link RegistryLock}); readers need no lock.
 * Run ids sort by start time (UTC, to the millisecond): {@code 20261122-214500-123-3fa2}; every id read from a file,
 * a listing or the caller is checked by {@link RunIds} before it becomes a path.
 *
 * <p>One damaged run (a {@code status.json} that is not what this class writes, a directory that is not a run) is
 * named in a warning and left out of listings, reports and pruning; it does not make the whole registry unusable.
 */
public final class Registry {
    static final String CURRENT = "current.json";
    static final String EVENTS = "events.jsonl";
    static final String STATUS = "status.json";
    static final String APPLICATION = "application.json";
    /** A run's outcome once decided; a run without one is still training, or died without saying so. */
    public static final Set<String> FINAL_STATUSES = Set.of("promoted", "rejected", "failed");

    /**
     * How long a writer waits for another one's lock: holders keep it for milliseconds, unless they died holding it.
     */
    static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    /**
     * How long {@link #prune} leaves a run without an outcome alone after its last sign of life (its start, or the
     * newest file in its directory, such as a checkpoint): it may be training on another host.
     */
    public static final Duration PRUNE_GRACE = Duration.ofHours(24);

    /** Warnings to the process's standard error, as Lockstep prints them. */
    public static final Consumer<String> STDERR_WARNINGS = m -> System.err.println(Printable.warning(m));

    private final Configuration conf;
    private final String root;
    private final Duration lockWait;
    private final Consumer<String> warnings;

    public Registry(Configuration conf, String root) {
        this(conf, root, STDERR_WARNINGS);
    }

    /** @param warnings told (one line each) about damaged runs that are skipped, and a lock left in place */
    public Registry(Configuration conf, String root, Consumer<String> warnings) {
        this(conf, root, LOCK_WAIT, warnings);
    }

    Registry(Configuration conf, String root, Duration lockWait) {
        this(conf, root, lockWait, STDERR_WARNINGS);
    }

    Registry(Configuration conf, String root, Duration lockWait, Consumer<String> warnings) {
        this.conf = conf;
        this.root = root;
        this.lockWait = lockWait;
        this.warnings = warnings;
    }

    public String root() {
        return root;
    }

    public static String newRunId() {
        return RunIds.next();
    }

    public String runDir(String runId) {
        RunIds.require(runId, "the registry " + root);
        return new Path(runsDir(), runId).toString();
    }

    private Path runsDir() {
        return new Path(root, "runs");
    }

    public String modelFile(String runId) {
        return ModelDirectory.modelFile(runDir(runId));
    }

    /** The pointer: the serving run, then those that served before it, newest first. */
    public record Pointer(String current, List<String> previous) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("current", current);
            m.put("previous", previous);
            m.put("updated", ZonedDateTime.now(ZoneOffset.UTC).toString());
            return m;
        }
    }

    /**
     * The pointer, its run ids checked: a {@code current.json} naming anything but runs of this registry is refused
     * rather than followed.
     */
    public Optional<Pointer> pointer() {
        String uri = new Path(root, CURRENT).toString();
        if (!exists(uri)) return Optional.empty();
        Map<String, Object> m = Json.readMap(conf, uri);
        Object current = m.get("current");
        if (!(current instanceof String c)) throw new LockstepException(uri + ": no \"current\" run in it");
        RunIds.require(c, uri + " (\"current\")");
        List<String> previous = new ArrayList<>();
        Object before = m.get("previous");
        if (before != null && !(before instanceof List<?>)) {
            throw new LockstepException(
                    uri + ": \"previous\" is " + RunIds.describe(before) + ", expected a list of run ids");
        }
        if (before instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String id))
                    throw new LockstepException(uri + ": \"previous\" holds " + RunIds.describe(o) + ", not a run id");
                previous.add(RunIds.require(id, uri + " (\"previous\")"));
            }
        }
        return Optional.of(new Pointer(c, List.copyOf(previous)));
    }

    public Optional<String> current() {
        return pointer().map(Pointer::current);
    }

    /** Makes {@code runId} the serving run; the one it replaces can be rolled back to. */
    public void promote(String runId, String reason) {
        try (RegistryLock lock = lock("promote " + runId)) {
            promoteLocked(runId, reason, current().orElse(null));
        }
    }

    /**
     * Promotes only if the serving run is still {@code expectedCurrent} (null: none), the one the decision was made
     * against; otherwise someone promoted or rolled back meanwhile, and this decision is stale. Check and switch
     * happen under the registry's lock.
     */
    public void promote(String runId, String reason, Object expectedCurrent) {
        try (RegistryLock lock = lock("promote " + runId)) {
            promoteLocked(runId, reason, expectedCurrent);
        }
    }

    private void promoteLocked(String runId, String reason, Object expectedCurrent) {
        Optional<Pointer> old = pointer();
        String now = old.map(Pointer::current).orElse(null);
        if (!Objects.equals(now, expectedCurrent)) {
            throw new LockstepException("the registry's current run changed to " + now + " while " + runId
                    + " was being judged against " + expectedCurrent + "; not promoting");
        }
        List<String> previous = new ArrayList<>();
        old.ifPresent(p -> {
            if (!p.current().equals(runId)) previous.add(p.current());
            for (String r : p.previous()) if (!r.equals(runId)) previous.add(r);
        });
        requireServable(runId, "promote run " + runId);
        writePointer(new Pointer(runId, previous));
        event("promoted", runId, reason, old.map(Pointer::current).orElse(null));
    }

    /** Serves the run that served before the current one again. */
    public String rollback() {
        if (!exists(root)) throw new LockstepException("nothing to roll back: " + root + " has no current model");
        try (RegistryLock lock = lock("rollback")) {
            return rollbackLocked();
        }
    }

    private String rollbackLocked() {
        Pointer p = pointer()
                .orElseThrow(() -> new LockstepException("nothing to roll back: " + root + " has no current model"));
        if (p.previous().isEmpty())
            throw new LockstepException("nothing to roll back to: " + p.current() + " is the only run that has served");
        String back = p.previous().get(0);
        requireServable(back, "roll back to run " + back);
        writePointer(new Pointer(back, p.previous().subList(1, p.previous().size())));
        event("rolled-back", back, "rollback from " + p.current(), p.current());
        return back;
    }

    /**
     * Refuses to make {@code runId} the serving run unless its directory is there and its model reads back whole
     * (checksum, header, finite weights): the pointer must never name something that cannot be served. Called under
     * the lock, right before the switch, so a run deleted or damaged since it was judged is caught.
     */
    private void requireServable(String runId, String action) {
        String dir = runDir(runId);
        String unchanged = "; " + CURRENT + " is unchanged";
        if (!exists(dir))
            throw new LockstepException("cannot " + action + ": its directory " + dir + " is gone" + unchanged);
        try {
            ModelFile.read(conf, modelFile(runId));
        } catch (LockstepException e) {
            throw new LockstepException("cannot " + action + ": " + e.getMessage() + unchanged, e);
        }
    }

    /** Records a run's outcome in its own directory and in the event log. */
    public void setStatus(String runId, String status, String reason, Map<String, Object> details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", runId);
        m.put("status", status);
        m.put("reason", reason);
        m.put("time", ZonedDateTime.now(ZoneOffset.UTC).toString());
        m.putAll(details);
        try (RegistryLock lock = lock("record " + status + " " + runId)) {
            AtomicFiles.writeString(conf, new Path(runDir(runId), STATUS).toString(), Json.pretty(m) + "\n");
            if (!status.equals("promoted"))
                event(status, runId, reason, current().orElse(null)); // promote() logs its own
        }
    }

    /**
     * Records that {@code application} (a YARN application id) trains run {@code runId}, before it starts, with what a
     * later attempt of the application must know to train the same run again ({@code more}: JSON values, a null one
     * written as {@code null}).
     */
    public void claim(String runId, String application, Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("application", application);
        m.put("time", ZonedDateTime.now(ZoneOffset.UTC).toString());
        m.putAll(more);
        AtomicFiles.writeString(conf, new Path(runDir(runId), APPLICATION).toString(), Json.pretty(m) + "\n");
    }

    /** The claim of {@code runId} as {@link #claim} wrote it; empty when it has none. */
    public Map<String, Object> claimOf(String runId) {
        String claim = new Path(runDir(runId), APPLICATION).toString();
        return exists(claim) ? Json.readMap(conf, claim) : Map.of();
    }

    /**
     * The newest run that {@code application} claimed: the one an earlier attempt of that application began. A claim
     * that cannot be read is named in a warning and skipped.
     */
    public Optional<String> runClaimedBy(String application) {
        List<String> ids = runs();
        for (int i = ids.size() - 1; i >= 0; i--) {
            String claim = new Path(runDir(ids.get(i)), APPLICATION).toString();
            try {
                if (exists(claim)
                        && application.equals(Json.readMap(conf, claim).get("application")))
                    return Optional.of(ids.get(i));
            } catch (LockstepException e) {
                warnings.accept("skipping run " + ids.get(i) + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * A run's status.json, checked: {@code status} and {@code reason} are strings, accuracies numbers. A run without
     * one has status {@code unknown} (still training, or it died without recording why).
     *
     * @throws LockstepException naming the file and the field when it is not what {@link #setStatus} writes
     */
    public Map<String, Object> status(String runId) {
        String uri = new Path(runDir(runId), STATUS).toString();
        if (!exists(uri)) return Map.of("run", runId, "status", "unknown");
        Map<String, Object> m = Json.readMap(conf, uri);
        for (String field : List.of("status", "reason")) {
            if (!(m.get(field) instanceof String)) {
                throw new LockstepException(uri + ": "
                        + (m.containsKey(field)
                                ? "\"" + field + "\" is " + RunIds.describe(m.get(field)) + ", not a string"
                                : "no \"" + field + "\""));
            }
        }
        for (String field : List.of("candidate_accuracy", "current_accuracy")) {
            Object v = m.get(field);
            if (v != null && !(v instanceof Number))
                throw new LockstepException(uri + ": \"" + field + "\" is " + RunIds.describe(v) + ", not a number");
        }
        return m;
    }

    /**
     * Every run's status (see {@link #status}), oldest first. A run whose status.json cannot be read or is not what
     * this registry writes is named in a warning and left out, so one damaged run does not hide all the others.
     */
    public Map<String, Map<String, Object>> statuses() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String id : runs()) readableStatus(id).ifPresent(st -> out.put(id, st));
        return out;
    }

    private Optional<Map<String, Object>> readableStatus(String runId) {
        try {
            return Optional.of(status(runId));
        } catch (LockstepException e) {
            warnings.accept("skipping run " + runId + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Run ids, oldest first. An entry of {@code runs/} that is not named like a run (an operator's copy, a stray
     * {@code ..}-like name on an object store) is named in a warning and skipped, never followed.
     */
    public List<String> runs() {
        Path runs = runsDir();
        List<String> ids = new ArrayList<>();
        try {
            FileSystem fs = HadoopPaths.fileSystem(runs, conf);
            if (!fs.exists(runs)) return ids;
            for (FileStatus st : fs.listStatus(runs)) {
                if (!st.isDirectory()) continue;
                String name = st.getPath().getName();
                if (RunIds.isValid(name)) ids.add(name);
                else
                    warnings.accept("skipping " + st.getPath() + ": not a run directory (run ids look like "
                            + RunIds.EXAMPLE + ")");
            }
        } catch (IOException e) {
            throw new LockstepException("cannot list " + runs + ": " + e.getMessage(), e);
        }
        Collections.sort(ids);
        return ids;
    }

    /** {@link #prune(int, Duration)} with the default grace period, {@link #PRUNE_GRACE}. */
    public List<String> prune(int keep) {
        return prune(keep, PRUNE_GRACE);
    }

    /**
     * Deletes the oldest runs beyond the newest {@code keep}, never the serving run nor those a rollback could
     * return to, nor a run without an outcome whose last sign of life is less than {@code grace} ago (another host
     * may be training it), nor a run whose status cannot be read (named in a warning). Returns the deleted ids.
     */
    public List<String> prune(int keep, Duration grace) {
        if (keep < 1) throw new LockstepException("--keep must be at least 1");
        if (grace.isNegative()) throw new LockstepException("the grace period must not be negative");
        if (!exists(root)) return List.of(); // no registry there: nothing to lock, nor to delete
        try (RegistryLock lock = lock("prune")) {
            return pruneLocked(keep, grace);
        }
    }

    private List<String> pruneLocked(int keep, Duration grace) {
        List<String> runs = runs();
        List<String> protectedRuns = new ArrayList<>();
        pointer().ifPresent(p -> {
            protectedRuns.add(p.current());
            protectedRuns.addAll(p.previous());
        });
        Instant cutoff = Instant.now().minus(grace);
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < runs.size() - keep; i++) {
            String id = runs.get(i);
            if (protectedRuns.contains(id)) continue;
            Optional<Map<String, Object>> status = readableStatus(id);
            if (status.isEmpty()) continue; // damaged: an operator looks at it, not retention
            if (!FINAL_STATUSES.contains(String.valueOf(status.get().get("status")))
                    && !lastActivity(id).isBefore(cutoff)) continue;
            Path dir = new Path(runDir(id));
            try {
                dir.getFileSystem(conf).delete(dir, true);
            } catch (IOException e) {
                throw new LockstepException("cannot delete " + dir + ": " + e.getMessage(), e);
            }
            deleted.add(id);
        }
        if (!deleted.isEmpty())
            event("pruned", String.join(",", deleted), "keep " + keep, current().orElse(null));
        return deleted;
    }

    /**
     * The newest of a run's start (from its id) and the modification times of its directory and everything in it: a
     * run that keeps writing checkpoints stays alive however long it trains.
     */
    private Instant lastActivity(String runId) {
        Instant latest = RunIds.startTime(runId);
        Path dir = new Path(runDir(runId));
        try {
            FileSystem fs = HadoopPaths.fileSystem(dir, conf);
            long newest = fs.getFileStatus(dir).getModificationTime();
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
            while (files.hasNext()) newest = Math.max(newest, files.next().getModificationTime());
            Instant modified = Instant.ofEpochMilli(newest);
            return modified.isAfter(latest) ? modified : latest;
        } catch (FileNotFoundException e) {
            return latest; // deleted meanwhile: nothing left to protect
        } catch (IOException e) {
            throw new LockstepException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * What happened, oldest first. A line that is not an event of this registry (not JSON, or naming something that
     * is not a run id) is named in a warning and skipped.
     */
    public List<Map<String, Object>> events() {
        String uri = new Path(root, EVENTS).toString();
        List<Map<String, Object>> out = new ArrayList<>();
        if (!exists(uri)) return out;
        String[] lines = readString(uri).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            String where = uri + " line " + (i + 1);
            try {
                Map<String, Object> e = Json.parseMap(lines[i], where);
                if (!(e.get("run") instanceof String runs)) throw new LockstepException(where + ": no \"run\" in it");
                for (String id : runs.split(",", -1)) RunIds.require(id, where);
                out.add(e);
            } catch (LockstepException e) {
                warnings.accept("skipping an event: " + e.getMessage());
            }
        }
        return out;
    }

    private RegistryLock lock(String action) {
        return RegistryLock.acquire(conf, root, action, lockWait, warnings);
    }

    private void writePointer(Pointer p) {
        AtomicFiles.writeString(conf, new Path(root, CURRENT).toString(), Json.pretty(p.toMap()) + "\n");
    }

    /**
     * Appends by rewriting the whole log atomically: a crash leaves the old log or the new one, never half a line.
     * Callers hold the lock, or two appends could each keep only their own line.
     */
    private void event(String event, String run, String reason, String previous) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", ZonedDateTime.now(ZoneOffset.UTC).toString());
        m.put("event", event);
        m.put("run", run);
        m.put("reason", reason);
        m.put("previous_current", previous);
        String uri = new Path(root, EVENTS).toString();
        String old = exists(uri) ? readString(uri) : "";
        AtomicFiles.writeString(conf, uri, old + Json.line(m) + "\n");
    }

    private boolean exists(String uri) {
        return HadoopPaths.exists(conf, uri);
    }

    private String readString(String uri) {
        return HadoopPaths.readText(conf, uri);
    }
}
