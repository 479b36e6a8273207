package dev.lockstep.nn;

/**
 * Derives independent, replayable random streams from one user seed. Every random choice in Lockstep
 * (initialisation, epoch permutations, augmentation, hold-out split) takes its seed from
 * {@code derive(seed, purpose, ...)} instead of drawing from shared state, so a retried task or a resumed
 * run sees exactly the same numbers.
 */
public final class Seeds {
    public static final long INIT = 0x1A17L;
    public static final long PERMUTATION = 0x9E57L;
    public static final long AUGMENT = 0xA06EL;
    public static final long HOLDOUT = 0x401DL;

    private Seeds() {}

    /** SplitMix64's finaliser: a bijective avalanche mix. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long derive(long seed, long purpose, long... coordinates) {
        long h = mix(seed ^ mix(purpose + 0x9E3779B97F4A7C15L));
        for (long c : coordinates) h = mix(h + 0x9E3779B97F4A7C15L + c);
        return h;
    }
}
