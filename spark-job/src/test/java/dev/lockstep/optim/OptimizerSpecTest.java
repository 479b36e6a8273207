package dev.lockstep.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptimizerSpecTest {

    @Test
    void parsesNamesWithDefaults() {
        OptimizerSpec adam = OptimizerSpec.parse(" Adam ");
        assertEquals(OptimizerSpec.Kind.ADAM, adam.kind());
        assertEquals(0.9f, adam.beta1());
        assertEquals(0.999f, adam.beta2());
        assertEquals(1e-8f, adam.epsilon());
        assertEquals(0.9f, OptimizerSpec.parse("momentum").momentum());
        assertEquals(
                OptimizerSpec.Kind.NESTEROV, OptimizerSpec.parse("NESTEROV").kind());
        assertEquals(OptimizerSpec.Kind.SGD, OptimizerSpec.parse("sgd").kind());
    }

    @Test
    void createBuildsTheConfiguredOptimizer() {
        assertInstanceOf(Sgd.class, OptimizerSpec.parse("sgd").create(10));
        Momentum m = assertInstanceOf(
                Momentum.class,
                OptimizerSpec.parse("momentum").withMomentum(0.5).create(10));
        assertEquals(0.5f, m.momentum());
        assertEquals(false, m.nesterov());
        Momentum n = assertInstanceOf(
                Momentum.class, OptimizerSpec.parse("nesterov:momentum=0.95").create(10));
        assertEquals(0.95f, n.momentum());
        assertEquals(true, n.nesterov());
        Adam a = assertInstanceOf(
                Adam.class,
                OptimizerSpec.parse("adam")
                        .withBeta1(0.8)
                        .withBeta2(0.99)
                        .withEpsilon(1e-6)
                        .create(10));
        assertEquals(0.8f, a.beta1());
        assertEquals(0.99f, a.beta2());
        assertEquals(1e-6f, a.epsilon());
        assertEquals(10, a.parameterCount());
        for (String k : new String[] {"sgd", "momentum", "nesterov", "adam"}) {
            assertEquals(k, OptimizerSpec.parse(k).create(3).name());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimizerSpec.parse("adam").create(0));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "adamw; unknown optimizer 'adamw' (expected sgd, momentum, nesterov or adam)",
                "rmsprop:beta=0.9; unknown optimizer 'rmsprop' (expected sgd, momentum, nesterov or adam)",
                "sgd:momentum=0.9; unknown option 'momentum' for sgd optimizer (it takes none)",
                "adam:momentum=0.9; unknown option 'momentum' for adam optimizer (expected beta1, beta2 or eps)",
                "momentum:beta1=0.9; unknown option 'beta1' for momentum optimizer (expected momentum)",
                "momentum:momentum=1; momentum must be in [0, 1), got 1.0",
                "nesterov:momentum=-0.1; momentum must be in [0, 1), got -0.1",
                "adam:beta1=1; adam beta1 must be in [0, 1), got 1.0",
                "adam:beta2=1.5; adam beta2 must be in [0, 1), got 1.5",
                "adam:eps=0; adam epsilon must be finite and > 0 (as a float), got 0.0",
                "adam:eps=1e-50; adam epsilon must be finite and > 0 (as a float), got 1.0E-50",
                "adam:beta1=abc; bad value 'abc' for beta1: expected a finite number",
                "adam:eps=1e-8,epsilon=1e-7; give adam epsilon once, as eps or epsilon",
                "adam:beta1; bad optimizer option 'beta1' in 'adam:beta1' (expected key=value)",
            })
    void parseErrorsAreClear(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void valuesThatRoundToAnInvalidFloatAreRejected() {
        // 0.99999999 is below 1 as a double but rounds to 1f, where momentum no longer decays.
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimizerSpec.parse("momentum").withMomentum(0.99999999));
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimizerSpec.parse("momentum").withMomentum(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse(""));
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse(null));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sgd",
                "momentum",
                "nesterov",
                "adam",
                "momentum:momentum=0.95",
                "adam:beta1=0.8,beta2=0.99,eps=1e-7"
            })
    void toStringParsesBackToAnEqualSpec(String text) {
        OptimizerSpec spec = OptimizerSpec.parse(text);
        assertEquals(spec, OptimizerSpec.parse(spec.toString()), spec.toString());
        assertEquals(spec.hashCode(), OptimizerSpec.parse(spec.toString()).hashCode());
    }

    @Test
    void equalityAndDescribe() {
        assertEquals(
                OptimizerSpec.parse("sgd"), OptimizerSpec.parse("sgd").withMomentum(0.5), "momentum is unused by sgd");
        assertNotEquals(OptimizerSpec.parse("momentum"), OptimizerSpec.parse("nesterov"));
        assertNotEquals(OptimizerSpec.parse("adam"), OptimizerSpec.parse("adam").withBeta2(0.99));
        assertEquals(
                "adam (beta1 0.9, beta2 0.999, epsilon 1.0E-8)",
                OptimizerSpec.parse("adam").describe());
        assertEquals("nesterov momentum 0.9", OptimizerSpec.parse("nesterov").describe());
        assertTrue(
                OptimizerSpec.parse("nesterov")
                                .withKind(OptimizerSpec.Kind.MOMENTUM)
                                .create(1)
                        instanceof Momentum);
    }
}
