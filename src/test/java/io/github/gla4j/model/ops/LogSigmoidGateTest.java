/*
 * LogSigmoidGateTest: LogSigmoidGate forward and backward against Reference, with and without clamp_min, for
 * projections from −90 to 90 (logσ must neither overflow nor lose the small gates near 0); outputs NaN-poisoned.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.util.Random;

import static io.github.gla4j.model.ops.OpTesting.FP32_TOLERANCE;
import static io.github.gla4j.model.ops.OpTesting.assertClose;
import static io.github.gla4j.model.ops.OpTesting.poisoned;
import static io.github.gla4j.model.ops.OpTesting.random;
import static io.github.gla4j.model.ops.OpTesting.tensor;
import static io.github.gla4j.model.ops.OpTesting.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSigmoidGateTest {

    @ParameterizedTest(name = "n={0} scale={1} clamp={2}")
    @CsvSource({"1,1,-Infinity", "37,8,-Infinity", "5000,90,-Infinity", "5000,8,-0.05", "9000,90,-2"})
    void matchesReference(int n, double scale, float clamp) {
        Random random = new Random(n + (long) scale);
        double[] z = random(random, n, scale), dg = random(random, n, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor zt = tensor(arena, z, n), g = poisoned(arena, n), dz = poisoned(arena, n);
            LogSigmoidGate.forward(zt, 16, clamp, g);
            assertClose("g", values(g), Reference.logSigmoidGate(z, 16, clamp), FP32_TOLERANCE);
            LogSigmoidGate.backward(tensor(arena, dg, n), zt, 16, clamp, dz);
            assertClose("dz", values(dz), Reference.logSigmoidGateBackward(dg, z, 16, clamp), FP32_TOLERANCE);
            for (float v : g.toFloatArray()) {
                assertTrue(v <= 0 && v >= clamp, "gate " + v + " outside [" + clamp + ", 0]");
            }
        }
    }

    @Test
    void extremeProjections() {
        try (Arena arena = Arena.ofShared()) {
            HostTensor z = tensor(arena, new double[]{-1e30, -100, 0, 100, 1e30}, 5), g = poisoned(arena, 5);
            LogSigmoidGate.forward(z, 16, Float.NEGATIVE_INFINITY, g);
            float[] v = g.toFloatArray();
            assertEquals(-1e30f / 16, v[0], 1e24f);
            assertEquals(-100f / 16, v[1], 1e-6f);
            assertEquals((float) (Math.log(0.5) / 16), v[2], 1e-7f);
            assertTrue(v[3] <= 0 && v[3] > -1e-44f, "a gate of 100 forgets almost nothing: " + v[3]);
            assertEquals(0f, v[4]);
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Arena arena = Arena.ofShared()) {
            HostTensor z = poisoned(arena, 4), g = poisoned(arena, 4);
            assertThrows(IllegalArgumentException.class, () -> LogSigmoidGate.forward(z, 0, -1, g));
            assertThrows(IllegalArgumentException.class, () -> LogSigmoidGate.forward(z, 16, 0.5f, g));
            assertThrows(IllegalArgumentException.class, () -> LogSigmoidGate.forward(z, 16, -1, poisoned(arena, 3)));
        }
    }
}
