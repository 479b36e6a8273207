package dev.lockstep.train;

import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Mlp;

/**
 * One {@link Mlp} per executor thread, kept across tasks: Spark reuses task threads, so a step allocates no
 * activation buffers after the first.
 */
final class Workspaces {
    static final int CHUNK_ROWS = 256;
    private static final ThreadLocal<Mlp> CURRENT = new ThreadLocal<>();

    private Workspaces() {}

    static Mlp forThread(Architecture arch) {
        Mlp mlp = CURRENT.get();
        if (mlp == null || !mlp.architecture().equals(arch)) {
            mlp = new Mlp(arch, CHUNK_ROWS);
            CURRENT.set(mlp);
        }
        return mlp;
    }
}
