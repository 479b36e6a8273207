package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.workflow.RegistryRun;
import org.junit.jupiter.api.Test;

/** A cluster-mode driver returns from main when the run did its work, so YARN records success, not a failed attempt. */
class MainExitTest {
    @Test
    void launcherAndClientModeAlwaysExitWithTheCode() {
        for (String mode : new String[] {null, "client"}) {
            for (int code : new int[] {0, 1, 2, 3}) assertTrue(Main.exitsJvm(code, mode), mode + " " + code);
        }
    }

    @Test
    void clusterModeReturnsOnSuccessAndOnANonPromotionButExitsOnFailure() {
        assertFalse(Main.exitsJvm(0, "cluster"));
        assertFalse(Main.exitsJvm(RegistryRun.EXIT_NOT_PROMOTED, "cluster"));
        assertTrue(Main.exitsJvm(Main.EXIT_FAILURE, "cluster"));
        assertTrue(Main.exitsJvm(Main.EXIT_USAGE, "cluster"));
    }
}
