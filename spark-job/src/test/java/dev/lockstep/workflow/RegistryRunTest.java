package dev.lockstep.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.model.ModelFile;
import dev.lockstep.model.Registry;
import dev.lockstep.model.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry run from the serving model ({@code --init-from current}) under YARN: a later attempt of the application
 * continues the run from the parent the first attempt started from, whatever serves now; no YARN needed, an attempt is
 * a {@link RegistryRun} made with the application's id.
 */
class RegistryRunTest {
    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();

    private static PrintWriter quiet() {
        return new PrintWriter(new StringWriter(), true);
    }

    private RegistryRun attempt(Path root, String application) {
        return new RegistryRun(conf, root.toString(), 0.002, 10, Optional.of(application));
    }

    /** A run with a servable model, made the serving one. */
    private static String served(Registry registry) {
        String id = Registry.newRunId();
        ModelFile.write(new Configuration(), registry.modelFile(id), TestModels.small());
        registry.promote(id, "test");
        return id;
    }

    @Test
    void aContinuedAttemptStartsFromTheParentTheFirstOneRecordedEvenWhenAnotherRunWasPromoted() {
        Path root = tmp.resolve("registry");
        Registry registry = new Registry(conf, root.toString());
        String a = served(registry);

        RegistryRun first = attempt(root, "application_7_0001");
        assertFalse(first.continuesEarlierAttempt());
        assertEquals(OptionalInt.empty(), first.begin(quiet(), true));
        assertEquals(Optional.of(a), first.servingParent());
        assertEquals(
                a,
                registry.claimOf(registry.runs().get(registry.runs().size() - 1))
                        .get("init_from_current"));

        String b = served(registry); // promoted while the first attempt's driver was lost
        assertEquals(b, registry.current().orElseThrow());

        RegistryRun second = attempt(root, "application_7_0001");
        assertTrue(second.continuesEarlierAttempt());
        assertEquals(first.outDir(), second.outDir());
        assertThrows(IllegalStateException.class, second::servingParent, "settled by begin, not before");
        assertEquals(OptionalInt.empty(), second.begin(quiet(), true));
        assertEquals(Optional.of(a), second.servingParent(), "the first attempt's parent, not what serves now");

        // A new application starts from what serves now.
        RegistryRun other = attempt(root, "application_8_0001");
        other.begin(quiet(), true);
        assertEquals(Optional.of(b), other.servingParent());
    }

    @Test
    void aFirstAttemptFromAnEmptyRegistryIsContinuedFromScratch() {
        Path root = tmp.resolve("empty");
        Registry registry = new Registry(conf, root.toString());
        RegistryRun first = attempt(root, "application_9_0001");
        first.begin(quiet(), true);
        assertEquals(Optional.empty(), first.servingParent());
        String run = registry.runs().get(0);
        Map<String, Object> claim = registry.claimOf(run);
        assertTrue(claim.containsKey("init_from_current") && claim.get("init_from_current") == null, claim.toString());

        served(registry);
        RegistryRun second = attempt(root, "application_9_0001");
        assertTrue(second.continuesEarlierAttempt());
        second.begin(quiet(), true);
        assertEquals(Optional.empty(), second.servingParent(), "from scratch, as the first attempt began");
    }

    @Test
    void aRunNotFromTheServingModelRecordsNoParentAndHasNone() {
        Path root = tmp.resolve("plain");
        Registry registry = new Registry(conf, root.toString());
        served(registry);
        RegistryRun run = attempt(root, "application_10_0001");
        run.begin(quiet(), false);
        assertEquals(Optional.empty(), run.servingParent());
        String id = registry.runs().get(registry.runs().size() - 1);
        assertFalse(registry.claimOf(id).containsKey("init_from_current"));
        assertEquals("application_10_0001", registry.claimOf(id).get("application"));
    }
}
