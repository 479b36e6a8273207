package dev.lockstep.ml;

/**
 * The uid of a stage under construction. Spark ML's parameter traits create their parameters (featuresCol, ...)
 * while the superclass constructor runs, and each takes its parent's uid then. Scala sets a class's uid before
 * calling its superclass constructor; Java cannot, so a stage's constructor announces the uid here first (in the
 * arguments of its {@code this(...)} call) and {@code uid()} reads it until the field is set.
 */
final class StageUid {
    private static final ThreadLocal<String> CONSTRUCTING = new ThreadLocal<>();

    private final String uid;

    private StageUid(String uid) {
        this.uid = uid;
    }

    /** Announces {@code uid} as that of the stage this thread is about to construct. */
    static StageUid constructing(String uid) {
        if (uid == null || uid.isEmpty()) throw new IllegalArgumentException("a stage needs a uid");
        CONSTRUCTING.set(uid);
        return new StageUid(uid);
    }

    /** The uid of the stage this thread is constructing. */
    static String current() {
        return CONSTRUCTING.get();
    }

    /** Ends the construction: the stage now holds its uid itself. */
    String constructed() {
        CONSTRUCTING.remove();
        return uid;
    }
}
