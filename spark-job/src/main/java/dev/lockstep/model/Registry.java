package dev.lockstep.model;

import dev.lockstep.LockstepException;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

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
 * sees the old pointer or the new one, and the model it points to was complete before the pointer was written.
 * Writers change {@code current.json} and {@code events.jsonl} only while holding {@code REGISTRY/.lock}
 * ({@link RegistryLock}); readers need no lock.
 * Run ids sort by start time (UTC, to the millisecond): {@code 20261122-214500-123-3fa2}.
 */
public final class Registry {
    static final String CURRENT = "current.json";
    static final String EVENTS = "events.jsonl";
    static final String STATUS = "status.json";
    static final String APPLICATION = "application.json";
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    /** How long a writer waits for another one's lock: holders keep it for milliseconds, unless they died holding it. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    private final Configuration conf;
    private final String root;
    private final Duration lockWait;

    public Registry(Configuration conf, String root) {
        this(conf, root, LOCK_WAIT);
    }

    Registry(Configuration conf, String root, Duration lockWait) {
        this.conf = conf;
        this.root = root;
        this.lockWait = lockWait;
    }

    public String root() { return root; }

    public static String newRunId() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(RUN_ID) + String.format("-%04x", ThreadLocalRandom.current().nextInt(1 << 16));
    }

    public String runDir(String runId) {
        checkRunId(runId);
        return new Path(new Path(root, "runs"), runId).toString();
    }

    public String modelFile(String runId) { return ModelDirectory.modelFile(runDir(runId)); }

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

    public Optional<Pointer> pointer() {
        String uri = new Path(root, CURRENT).toString();
        if (!exists(uri)) return Optional.empty();
        Map<String, Object> m = Json.readMap(conf, uri);
        Object current = m.get("current");
        if (!(current instanceof String c)) throw new LockstepException(uri + ": no \"current\" run in it");
        List<String> previous = new ArrayList<>();
        if (m.get("previous") instanceof List<?> list) for (Object o : list) previous.add(String.valueOf(o));
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
        if (!exists(modelFile(runId))) throw new LockstepException("run " + runId + " has no model to promote");
        Optional<Pointer> old = pointer();
        String now = old.map(Pointer::current).orElse(null);
        if (!java.util.Objects.equals(now, expectedCurrent)) {
            throw new LockstepException("the registry's current run changed to " + now + " while " + runId
                    + " was being judged against " + expectedCurrent + "; not promoting");
        }
        List<String> previous = new ArrayList<>();
        old.ifPresent(p -> {
            if (!p.current().equals(runId)) previous.add(p.current());
            for (String r : p.previous()) if (!r.equals(runId)) previous.add(r);
        });
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
        Pointer p = pointer().orElseThrow(() -> new LockstepException("nothing to roll back: " + root + " has no current model"));
        if (p.previous().isEmpty()) throw new LockstepException("nothing to roll back to: " + p.current() + " is the only run that has served");
        String back = p.previous().get(0);
        writePointer(new Pointer(back, p.previous().subList(1, p.previous().size())));
        event("rolled-back", back, "rollback from " + p.current(), p.current());
        return back;
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
            if (!status.equals("promoted")) event(status, runId, reason, current().orElse(null)); // promote() logs its own
        }
    }

    /** Records that {@code application} (a YARN application id) trains run {@code runId}, before it starts. */
    public void claim(String runId, String application) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("application", application);
        m.put("time", ZonedDateTime.now(ZoneOffset.UTC).toString());
        AtomicFiles.writeString(conf, new Path(runDir(runId), APPLICATION).toString(), Json.pretty(m) + "\n");
    }

    /** The newest run that {@code application} claimed: the one an earlier attempt of that application began. */
    public Optional<String> runClaimedBy(String application) {
        List<String> ids = runs();
        for (int i = ids.size() - 1; i >= 0; i--) {
            String claim = new Path(runDir(ids.get(i)), APPLICATION).toString();
            if (exists(claim) && application.equals(Json.readMap(conf, claim).get("application"))) return Optional.of(ids.get(i));
        }
        return Optional.empty();
    }

    public Map<String, Object> status(String runId) {
        String uri = new Path(runDir(runId), STATUS).toString();
        return exists(uri) ? Json.readMap(conf, uri) : Map.of("run", runId, "status", "unknown");
    }

    /** Run ids, oldest first. */
    public List<String> runs() {
        Path runs = new Path(root, "runs");
        List<String> ids = new ArrayList<>();
        try {
            FileSystem fs = runs.getFileSystem(conf);
            if (!fs.exists(runs)) return ids;
            for (FileStatus st : fs.listStatus(runs)) if (st.isDirectory()) ids.add(st.getPath().getName());
        } catch (IOException e) {
            throw new LockstepException("cannot list " + runs + ": " + e.getMessage(), e);
        }
        Collections.sort(ids);
        return ids;
    }

    /**
     * Deletes the oldest runs beyond the newest {@code keep}, never the serving run nor those a rollback could
     * return to. Returns the deleted ids.
     */
    public List<String> prune(int keep) {
        if (keep < 1) throw new LockstepException("--keep must be at least 1");
        if (!exists(root)) return List.of(); // no registry there: nothing to lock, nor to delete
        try (RegistryLock lock = lock("prune")) {
            return pruneLocked(keep);
        }
    }

    private List<String> pruneLocked(int keep) {
        List<String> runs = runs();
        List<String> protectedRuns = new ArrayList<>();
        pointer().ifPresent(p -> {
            protectedRuns.add(p.current());
            protectedRuns.addAll(p.previous());
        });
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < runs.size() - keep; i++) {
            String id = runs.get(i);
            if (protectedRuns.contains(id)) continue;
            Path dir = new Path(runDir(id));
            try {
                dir.getFileSystem(conf).delete(dir, true);
            } catch (IOException e) {
                throw new LockstepException("cannot delete " + dir + ": " + e.getMessage(), e);
            }
            deleted.add(id);
        }
        if (!deleted.isEmpty()) event("pruned", String.join(",", deleted), "keep " + keep, current().orElse(null));
        return deleted;
    }

    public List<Map<String, Object>> events() {
        String uri = new Path(root, EVENTS).toString();
        List<Map<String, Object>> out = new ArrayList<>();
        if (!exists(uri)) return out;
        for (String line : readString(uri).split("\n")) if (!line.isBlank()) out.add(Json.parseMap(line, uri));
        return out;
    }

    private RegistryLock lock(String action) {
        return RegistryLock.acquire(conf, root, action, lockWait);
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

    private static void checkRunId(String runId) {
        if (runId == null || !runId.matches("[A-Za-z0-9._-]+")) throw new LockstepException("not a run id: '" + runId + "'");
    }
}
