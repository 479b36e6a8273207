package dev.lockstep.train;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Given weights a run starts from instead of the seeded initialisation (the estimator's {@code initialWeights},
 * {@code train --init-from}), and what such a start needs: the digest that joins the checkpoint fingerprint
 * ({@link RunPlan#placedOn(org.apache.spark.api.java.JavaSparkContext, String)}), so that a run resumes only
 * checkpoints of runs that started from the same weights, and the step-0 {@link Checkpoint} the trainer starts
 * from, with the optimizer's state fresh.
 */
public final class StartWeights {
    private final float[] parameters;
    private final String digest;

    private StartWeights(float[] parameters) {
        this.parameters = parameters.clone();
        this.digest = digest(this.parameters);
    }

    /** {@code parameters} in the engine's layout; copied. */
    public static StartWeights of(float[] parameters) {
        return new StartWeights(parameters);
    }

    /** SHA-256 of the weights' float bits, in hex: for the checkpoint fingerprint. */
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

    static String digest(float[] weights) {
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
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
    }
}
