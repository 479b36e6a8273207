package dev.lockstep.optim;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable, validated optimizer configuration. Parse from a name with defaults, adjust with the {@code with*}
 * methods, then {@link #create(int)} an optimizer. Hyperparameters are stored as the floats the optimizer uses
 * and validated after conversion (0.99999999 would round to 1f, which is not a valid momentum).
 *
 * <p>Accepted by {@link #parse}: {@code sgd}, {@code momentum}, {@code nesterov}, {@code adam}, optionally with
 * options: {@code momentum:momentum=0.95}, {@code adam:beta1=0.9,beta2=0.99,eps=1e-7}. {@link #toString()}
 * gives that form back, so {@code parse(spec.toString()).equals(spec)}. Settings that do not apply to the kind
 * (momentum for adam) are kept but ignored.
 */
public final class OptimizerSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        SGD,
        MOMENTUM,
        NESTEROV,
        ADAM;

        public String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final float DEFAULT_MOMENTUM = 0.9f;
    public static final float DEFAULT_BETA1 = 0.9f;
    public static final float DEFAULT_BETA2 = 0.999f;
    public static final float DEFAULT_EPSILON = 1e-8f;

    private final Kind kind;
    private final float momentum;
    private final float beta1;
    private final float beta2;
    private final float epsilon;

    private OptimizerSpec(Kind kind, double momentum, double beta1, double beta2, double epsilon) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.momentum = unitInterval("momentum", momentum);
        this.beta1 = unitInterval("adam beta1", beta1);
        this.beta2 = unitInterval("adam beta2", beta2);
        float eps = (float) epsilon;
        if (!(eps > 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("adam epsilon must be finite and > 0 (as a float), got " + epsilon);
        }
        this.epsilon = eps;
    }

    private static float unitInterval(String what, double value) {
        float f = (float) value;
        if (!(f >= 0f && f < 1f)) throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
        return f;
    }

    /** The given kind with default hyperparameters. */
    public static OptimizerSpec of(Kind kind) {
        return new OptimizerSpec(kind, DEFAULT_MOMENTUM, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    private static final Set<String> KEYS_ADAM = Set.of("beta1", "beta2", "eps", "epsilon");
    private static final Set<String> KEYS_MOMENTUM = Set.of("momentum");

    /** Parses "sgd", "momentum", "nesterov", "adam" (any case), optionally with ":key=value,..." options. */
    public static OptimizerSpec parse(String name) {
        Options o = Options.parse(name, "optimizer");
        Kind kind = switch (o.kind) {
            case "sgd" -> Kind.SGD;
            case "momentum" -> Kind.MOMENTUM;
            case "nesterov" -> Kind.NESTEROV;
            case "adam" -> Kind.ADAM;
            default ->
                throw new IllegalArgumentException(
                        "unknown optimizer '" + o.kind + "' (expected sgd, momentum, nesterov or adam)");
        };
        switch (kind) {
            case SGD -> o.checkKeys("optimizer", "", Set.of());
            case MOMENTUM, NESTEROV -> o.checkKeys("optimizer", "momentum", KEYS_MOMENTUM);
            case ADAM -> o.checkKeys("optimizer", "beta1, beta2 or eps", KEYS_ADAM);
        }
        if (o.values.containsKey("eps") && o.values.containsKey("epsilon")) {
            throw new IllegalArgumentException("give adam epsilon once, as eps or epsilon");
        }
        OptimizerSpec spec = of(kind);
        for (var e : o.values.entrySet()) {
            double d = Options.parseDouble(e.getKey(), e.getValue());
            spec = switch (e.getKey()) {
                case "momentum" -> spec.withMomentum(d);
                case "beta1" -> spec.withBeta1(d);
                case "beta2" -> spec.withBeta2(d);
                default -> spec.withEpsilon(d); // eps / epsilon
            };
        }
        return spec;
    }

    public OptimizerSpec withKind(Kind k) {
        return new OptimizerSpec(k, momentum, beta1, beta2, epsilon);
    }

    public OptimizerSpec withMomentum(double m) {
        return new OptimizerSpec(kind, m, beta1, beta2, epsilon);
    }

    public OptimizerSpec withBeta1(double b1) {
        return new OptimizerSpec(kind, momentum, b1, beta2, epsilon);
    }

    public OptimizerSpec withBeta2(double b2) {
        return new OptimizerSpec(kind, momentum, beta1, b2, epsilon);
    }

    public OptimizerSpec withEpsilon(double eps) {
        return new OptimizerSpec(kind, momentum, beta1, beta2, eps);
    }

    public Kind kind() {
        return kind;
    }

    public float momentum() {
        return momentum;
    }

    public float beta1() {
        return beta1;
    }

    public float beta2() {
        return beta2;
    }

    public float epsilon() {
        return epsilon;
    }

    /** A fresh optimizer with zeroed state for {@code parameterCount} parameters. */
    public Optimizer create(int parameterCount) {
        return switch (kind) {
            case SGD -> new Sgd(parameterCount);
            case MOMENTUM -> new Momentum(parameterCount, momentum, false);
            case NESTEROV -> new Momentum(parameterCount, momentum, true);
            case ADAM -> new Adam(parameterCount, beta1, beta2, epsilon);
        };
    }

    /** Human-readable, e.g. "adam (beta1 0.9, beta2 0.999, epsilon 1.0E-8)". */
    public String describe() {
        return switch (kind) {
            case SGD -> "sgd";
            case MOMENTUM -> "momentum " + momentum;
            case NESTEROV -> "nesterov momentum " + momentum;
            case ADAM -> "adam (beta1 " + beta1 + ", beta2 " + beta2 + ", epsilon " + epsilon + ")";
        };
    }

    /** The canonical spec string; {@link #parse} reads it back to an equal spec. */
    @Override
    public String toString() {
        return switch (kind) {
            case SGD -> "sgd";
            case MOMENTUM, NESTEROV -> kind.displayName() + ":momentum=" + momentum;
            case ADAM -> "adam:beta1=" + beta1 + ",beta2=" + beta2 + ",eps=" + epsilon;
        };
    }

    @Override
    public boolean equals(Object o) {
        // Only settings that matter for the kind take part, matching toString()/parse round trips.
        if (!(o instanceof OptimizerSpec s) || s.kind != kind) return false;
        return switch (kind) {
            case SGD -> true;
            case MOMENTUM, NESTEROV -> Float.compare(momentum, s.momentum) == 0;
            case ADAM ->
                Float.compare(beta1, s.beta1) == 0
                        && Float.compare(beta2, s.beta2) == 0
                        && Float.compare(epsilon, s.epsilon) == 0;
        };
    }

    @Override
    public int hashCode() {
        return switch (kind) {
            case SGD -> kind.hashCode();
            case MOMENTUM, NESTEROV -> 31 * kind.hashCode() + Float.hashCode(momentum);
            case ADAM -> Objects.hash(kind, beta1, beta2, epsilon);
        };
    }
}
