package dev.lockstep.train;

import dev.lockstep.model.InputScaling;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Given weights a run starts from instead of the seeded initialisation (the estimator's {@code initialWeights},
 * {@code train --init-from}), and what such a start needs: the digest that joins the checkpoint fingerprint
 * ({@link RunPlan#placedOn(org.apache.spark.api.java.JavaSparkContext, StartWeights)}), so that a run resumes only
 * checkpoints of runs that started from the same weights, and the step-0 {@link Checkpoint} the trainer starts
 * from, with the optimizer's state fresh. A model's weights come with the input scaling they were trained on, which
 * the run then keeps rather than fitting its own on float rows: the weights only mean something on inputs scaled so.
 */
public final class StartWeights {
    private final float[] parameters;
    private final InputScaling scaling; // null: the run scales its rows as any run does
    private final String digest;

    private StartWeights(float[] parameters, InputScaling scaling) {
        this.parameters = parameters.clone();
        this.scaling = scaling;
        this.digest = digest(this.parameters, scaling);
    }

    /** {@code parameters} in the engine's layout; copied. The run scales its rows as any run does. */
    public static StartWeights of(float[] parameters) {
        return new StartWeights(parameters, null);
    }

    /**
     * {@code parameters}, trained on float rows scaled by {@code scaling}, which the run keeps for its float rows (byte
     * rows are scaled by 1/255 whatever it is).
     */
    public static StartWeights of(float[] parameters, InputScaling scaling) {
        return new StartWeights(parameters, Objects.requireNonNull(scaling, "scaling"));
    }

    /** The input scaling the run must keep for float rows; empty: it fits its own, as a run from scratch. */
    public Optional<InputScaling> scaling() {
        return Optional.ofNullable(scaling);
    }

    /** SHA-256 of the weights' float bits and of the scaling kept, if any, in hex: for the checkpoint fingerprint. */
    public String digest() {
        return digest;
    }

    /**
     * The start of {@code placed} from these weights: step 0, no history, the optimizer's state as a fresh one's
     * (a warm start keeps the weights only; the step sizes and moments of the run that made them do not carry over).
     *
     * @throws IllegalArgumentException when the weights are not as many as the plan's network has parameters
     */
    public Checkpoint checkpoint(RunPlan.Placed placed) {
        TrainConfig config = placed.plan().config();
        int count = config.architecture().parameterCount();
        if (parameters.length != count) {
            throw new IllegalArgumentException("the start weights are " + parameters.length + " values; the network "
                    + config.architecture().layersString() + " has " + count + " parameters");
        }
        return new Checkpoint(
                placed.fingerprint(),
                0,
                0,
                0,
                0,
                0,
                List.of(),
                parameters.clone(),
                config.optimizer().create(count).state());
    }

    /** Without a scaling, the weights' digest alone: as it was before a scaling could be kept. */
    private static String digest(float[] weights, InputScaling scaling) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(4 * 4096);
            for (int i = 0; i < weights.length; i++) {
                buf.putInt(Float.floatToRawIntBits(weights[i]));
                if (!buf.hasRemaining() || i == weights.length - 1) {
                    sha.update(buf.flip());
                    buf.clear();
                }
            }
            if (scaling != null) {
                int features = Math.max(1, scaling.features());
                ByteBuffer s = ByteBuffer.allocate(1 + 8 * features);
                s.put((byte) (scaling.isUniform() ? 'U' : 'F'));
                for (int f = 0; f < features; f++) {
                    s.putInt(Float.floatToRawIntBits(scaling.scale(f)));
                    s.putInt(Float.floatToRawIntBits(scaling.offset(f)));
                }
                sha.update(s.flip());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
    }
}
