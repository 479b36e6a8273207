package dev.lockstep.optim;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable, validated learning-rate schedule configuration, independent of the run's length; {@link #create}
 * turns it into a {@link LearningRateSchedule} once the base rate, total steps and steps per epoch are known.
 *
 * <p>Syntax for {@link #parse}: {@code constant}, {@code cosine} or {@code step}, optionally followed by
 * {@code :key=value,...}:
 * <ul>
 *   <li>{@code warmup} (all kinds): {@code 500} = steps, {@code 2ep} = epochs, {@code 0.05} or {@code 5%} = a
 *       fraction of the total steps. A whole number is always steps: write {@code 100%}, not {@code 1}.
 *       Default 0.</li>
 *   <li>{@code min} (cosine): final rate as a fraction of the base rate, in [0, 1] ({@code 0.01} or {@code 1%}).
 *       Default 0.</li>
 *   <li>{@code every} (step): {@code 10ep} = epochs, {@code 500} = steps. Default 10ep.</li>
 *   <li>{@code gamma} (step): multiplier per decay, in (0, 1]. Default 0.5.</li>
 * </ul>
 * Example: {@code cosine:warmup=5%,min=0.01}. {@link #toString()} gives this form back, so
 * {@code parse(spec.toString()).equals(spec)}.
 */
public final class ScheduleSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        CONSTANT,
        COSINE,
        STEP;

        public String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a length (warm-up, decay interval) is measured. */
    public enum Unit {
        STEPS,
        EPOCHS,
        FRACTION
    }

    public static final long DEFAULT_DECAY_EVERY_EPOCHS = 10;
    public static final double DEFAULT_GAMMA = 0.5;

    private final Kind kind;
    private final double warmup;
    private final Unit warmupUnit;
    private final double minLrFraction;
    private final long decayEvery;
    private final Unit decayUnit;
    private final double gamma;

    private ScheduleSpec(
            Kind kind,
            double warmup,
            Unit warmupUnit,
            double minLrFraction,
            long decayEvery,
            Unit decayUnit,
            double gamma) {
        this.kind = Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(warmupUnit, "warmupUnit");
        if (!(warmup >= 0) || Double.isInfinite(warmup)) {
            throw new IllegalArgumentException("warm-up must be finite and >= 0, got " + warmup);
        }
        if (warmupUnit == Unit.FRACTION && !(warmup < 1)) {
            throw new IllegalArgumentException("warm-up fraction must be in [0, 1), got " + warmup);
        }
        if (warmupUnit == Unit.STEPS && warmup != Math.rint(warmup)) {
            throw new IllegalArgumentException("warm-up steps must be a whole number, got " + warmup);
        }
        // Zero warm-up is zero whatever the unit; normalising keeps equals() and toString() canonical.
        this.warmup = warmup;
        this.warmupUnit = warmup == 0 ? Unit.STEPS : warmupUnit;
        if (!(minLrFraction >= 0 && minLrFraction <= 1)) {
            throw new IllegalArgumentException("min learning rate fraction must be in [0, 1], got " + minLrFraction);
        }
        this.minLrFraction = minLrFraction;
        if (decayEvery < 1) throw new IllegalArgumentException("decay interval must be >= 1, got " + decayEvery);
        if (decayUnit != Unit.STEPS && decayUnit != Unit.EPOCHS) {
            throw new IllegalArgumentException("decay interval is counted in steps or epochs, not " + decayUnit);
        }
        this.decayEvery = decayEvery;
        this.decayUnit = decayUnit;
        if (!(gamma > 0 && gamma <= 1))
            throw new IllegalArgumentException("decay gamma must be in (0, 1], got " + gamma);
        this.gamma = gamma;
    }

    /** The given kind with defaults: no warm-up, min 0, decay x0.5 every 10 epochs. */
    public static ScheduleSpec of(Kind kind) {
        return new ScheduleSpec(kind, 0, Unit.STEPS, 0, DEFAULT_DECAY_EVERY_EPOCHS, Unit.EPOCHS, DEFAULT_GAMMA);
    }

    public static ScheduleSpec constant() {
        return of(Kind.CONSTANT);
    }

    private static final Set<String> KEYS_CONSTANT = Set.of("warmup");
    private static final Set<String> KEYS_COSINE = Set.of("warmup", "min");
    private static final Set<String> KEYS_STEP = Set.of("warmup", "every", "gamma");

    /** Parses e.g. "cosine", "cosine:warmup=5%,min=0.01", "step:every=10ep,gamma=0.1,warmup=500". */
    public static ScheduleSpec parse(String text) {
        Options o = Options.parse(text, "learning-rate schedule");
        Kind kind = switch (o.kind) {
            case "constant" -> Kind.CONSTANT;
            case "cosine" -> Kind.COSINE;
            case "step" -> Kind.STEP;
            default ->
                throw new IllegalArgumentException(
                        "unknown learning-rate schedule '" + o.kind + "' (expected constant, cosine or step)");
        };
        switch (kind) {
            case CONSTANT -> o.checkKeys("schedule", "warmup", KEYS_CONSTANT);
            case COSINE -> o.checkKeys("schedule", "warmup or min", KEYS_COSINE);
            case STEP -> o.checkKeys("schedule", "warmup, every or gamma", KEYS_STEP);
        }
        ScheduleSpec spec = of(kind);
        for (var e : o.values.entrySet()) {
            String key = e.getKey(), value = e.getValue();
            spec = switch (key) {
                case "warmup" -> spec.withWarmupText(value);
                case "min" -> spec.withMinLrFraction(fractionOrPercent(key, value));
                case "every" ->
                    value.toLowerCase(Locale.ROOT).endsWith("ep")
                            ? spec.withDecayEveryEpochs(Options.parseLong(
                                    key, value.substring(0, value.length() - 2).trim()))
                            : spec.withDecayEverySteps(Options.parseLong(key, value));
                default -> spec.withGamma(Options.parseDouble(key, value)); // gamma
            };
        }
        return spec;
    }

    private ScheduleSpec withWarmupText(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.endsWith("ep"))
            return withWarmupEpochs(
                    Options.parseDouble("warmup", v.substring(0, v.length() - 2).trim()));
        if (v.endsWith("%") || !v.matches("\\d+")) return withWarmupFraction(fractionOrPercent("warmup", v));
        return withWarmupSteps(Options.parseLong("warmup", v));
    }

    private static double fractionOrPercent(String key, String value) {
        if (value.endsWith("%"))
            return Options.parseDouble(
                            key, value.substring(0, value.length() - 1).trim())
                    / 100.0;
        return Options.parseDouble(key, value);
    }

    public ScheduleSpec withKind(Kind k) {
        return new ScheduleSpec(k, warmup, warmupUnit, minLrFraction, decayEvery, decayUnit, gamma);
    }

    /** Warm-up over this fraction of the total steps, in [0, 1). */
    public ScheduleSpec withWarmupFraction(double fraction) {
        return new ScheduleSpec(kind, fraction, Unit.FRACTION, minLrFraction, decayEvery, decayUnit, gamma);
    }

    public ScheduleSpec withWarmupSteps(long steps) {
        return new ScheduleSpec(kind, steps, Unit.STEPS, minLrFraction, decayEvery, decayUnit, gamma);
    }

    /** Warm-up over this many epochs (may be fractional; rounded to whole steps). */
    public ScheduleSpec withWarmupEpochs(double epochs) {
        return new ScheduleSpec(kind, epochs, Unit.EPOCHS, minLrFraction, decayEvery, decayUnit, gamma);
    }

    /** Cosine only: the final rate as a fraction of the base rate, in [0, 1]. */
    public ScheduleSpec withMinLrFraction(double fraction) {
        return new ScheduleSpec(kind, warmup, warmupUnit, fraction, decayEvery, decayUnit, gamma);
    }

    public ScheduleSpec withDecayEverySteps(long steps) {
        return new ScheduleSpec(kind, warmup, warmupUnit, minLrFraction, steps, Unit.STEPS, gamma);
    }

    public ScheduleSpec withDecayEveryEpochs(long epochs) {
        return new ScheduleSpec(kind, warmup, warmupUnit, minLrFraction, epochs, Unit.EPOCHS, gamma);
    }

    public ScheduleSpec withGamma(double g) {
        return new ScheduleSpec(kind, warmup, warmupUnit, minLrFraction, decayEvery, decayUnit, g);
    }

    public Kind kind() {
        return kind;
    }

    public double warmup() {
        return warmup;
    }

    public Unit warmupUnit() {
        return warmupUnit;
    }

    public double minLrFraction() {
        return minLrFraction;
    }

    public long decayEvery() {
        return decayEvery;
    }

    public Unit decayUnit() {
        return decayUnit;
    }

    public double gamma() {
        return gamma;
    }

    /** The warm-up in steps for a run of this shape; fractions round to nearest and stay below the run length. */
    public long warmupSteps(long totalSteps, long stepsPerEpoch) {
        checkRun(totalSteps, stepsPerEpoch);
        long w = switch (warmupUnit) {
            case STEPS -> (long) warmup;
            case EPOCHS -> Math.round(warmup * stepsPerEpoch);
            case FRACTION -> Math.min(Math.round(warmup * totalSteps), totalSteps - 1);
        };
        if (w >= totalSteps) {
            throw new IllegalArgumentException("warm-up of " + w + " steps (" + warmupText()
                    + ") must be shorter than the run (" + totalSteps + " steps)");
        }
        return w;
    }

    /** Builds the schedule for a run of {@code totalSteps} steps of which {@code stepsPerEpoch} make an epoch. */
    public LearningRateSchedule create(double baseLr, long totalSteps, long stepsPerEpoch) {
        Warmup.checkBaseLr(baseLr);
        long w = warmupSteps(totalSteps, stepsPerEpoch);
        return switch (kind) {
            case CONSTANT -> new ConstantSchedule(baseLr, w);
            case COSINE -> new WarmupCosineSchedule(baseLr, w, totalSteps, baseLr * minLrFraction);
            case STEP -> {
                long every;
                try {
                    every = decayUnit == Unit.EPOCHS ? Math.multiplyExact(decayEvery, stepsPerEpoch) : decayEvery;
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("decay interval of " + decayEvery + " epochs is too long");
                }
                yield new WarmupStepDecaySchedule(baseLr, w, every, gamma);
            }
        };
    }

    private static void checkRun(long totalSteps, long stepsPerEpoch) {
        if (totalSteps < 1) throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("steps per epoch must be >= 1, got " + stepsPerEpoch);
    }

    /** Human-readable, e.g. "cosine decay to 1% of the base rate, warm-up over 5% of the steps". */
    public String describe() {
        String body = switch (kind) {
            case CONSTANT -> "constant learning rate";
            case COSINE ->
                "cosine decay to " + (minLrFraction == 0 ? "0" : percent(minLrFraction) + " of the base rate");
            case STEP ->
                "step decay x" + Options.format(gamma) + " every " + decayEvery
                        + (decayUnit == Unit.EPOCHS
                                ? (decayEvery == 1 ? " epoch" : " epochs")
                                : (decayEvery == 1 ? " step" : " steps"));
        };
        String w = switch (warmupUnit) {
            case STEPS ->
                warmup == 0
                        ? "no warm-up"
                        : "warm-up over " + Options.format(warmup) + (warmup == 1 ? " step" : " steps");
            case EPOCHS -> "warm-up over " + Options.format(warmup) + (warmup == 1 ? " epoch" : " epochs");
            case FRACTION -> "warm-up over " + percent(warmup) + " of the steps";
        };
        return body + ", " + w;
    }

    private static String percent(double fraction) {
        // BigDecimal.valueOf uses the shortest decimal form, so 0.07 shows as 7%, not 7.000000000000001%.
        return BigDecimal.valueOf(fraction)
                        .movePointRight(2)
                        .stripTrailingZeros()
                        .toPlainString() + "%";
    }

    private String warmupText() {
        return switch (warmupUnit) {
            case STEPS -> Options.format(warmup);
            case EPOCHS -> Options.format(warmup) + "ep";
            case FRACTION -> Double.toString(warmup); // a decimal always reads back as a fraction
        };
    }

    /** The canonical spec string, listing every option of the kind; {@link #parse} reads it back to an equal spec. */
    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder(kind.displayName()).append(":warmup=").append(warmupText());
        if (kind == Kind.COSINE) sb.append(",min=").append(Double.toString(minLrFraction));
        if (kind == Kind.STEP) {
            sb.append(",every=")
                    .append(decayEvery)
                    .append(decayUnit == Unit.EPOCHS ? "ep" : "")
                    .append(",gamma=")
                    .append(Double.toString(gamma));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        // Only the settings the kind uses take part, matching toString()/parse round trips.
        if (!(o instanceof ScheduleSpec s) || s.kind != kind) return false;
        if (Double.compare(warmup, s.warmup) != 0 || warmupUnit != s.warmupUnit) return false;
        return switch (kind) {
            case CONSTANT -> true;
            case COSINE -> Double.compare(minLrFraction, s.minLrFraction) == 0;
            case STEP -> decayEvery == s.decayEvery && decayUnit == s.decayUnit && Double.compare(gamma, s.gamma) == 0;
        };
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(kind, warmup, warmupUnit);
        return switch (kind) {
            case CONSTANT -> h;
            case COSINE -> 31 * h + Double.hashCode(minLrFraction);
            case STEP -> Objects.hash(h, decayEvery, decayUnit, gamma);
        };
    }
}
