package dev.lockstep.train.step;

import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Mlp;
import dev.lockstep.train.sum.WirePrecision;

/**
 * Per executor thread, kept across tasks (Spark reuses task threads): the {@link Mlp} with its activation buffers,
 * the decoded parameters and the gradient sum, so a step allocates nothing of the model's size but what it sends
 * back. The thread owns these arrays; nothing of a step's broadcast stays referenced after the task.
 */
public final class Workspaces {
    static final int CHUNK_ROWS = 256;
    private static final ThreadLocal<Workspace> CURRENT = new ThreadLocal<>();

    private Workspaces() {}

    public static Workspace forThread(Architecture arch) {
        Workspace w = CURRENT.get();
        if (w == null || !w.mlp.architecture().equals(arch)) {
            w = new Workspace(arch);
            CURRENT.set(w);
        }
        return w;
    }

    public static final class Workspace {
        public final Mlp mlp;
        final float[] parameters;
        final float[] gradient;

        Workspace(Architecture arch) {
            this.mlp = new Mlp(arch, CHUNK_ROWS);
            this.parameters = new float[arch.parameterCount()];
            this.gradient = new float[arch.parameterCount()];
        }

        /** Decodes {@code encoded} into this workspace's parameters and hands them to the network. */
        Mlp load(byte[] encoded, WirePrecision wire) {
            if (encoded.length != parameters.length * wire.bytesPerValue()) {
                throw new IllegalArgumentException("expected " + parameters.length + " " + wire.displayName()
                        + " parameters, got " + encoded.length + " bytes");
            }
            wire.decode(encoded, parameters);
            mlp.setParameters(parameters);
            return mlp;
        }
    }
}
