/*
 * SwiGluTest: SwiGlu forward and backward against Reference, sizes across the piece boundary (1, 4095, 4097, many
 * pieces) and large |a| where σ saturates; outputs NaN-poisoned.
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
import static org.junit.jupiter.api.Assertions.assertThrows;

class SwiGluTest {

    @ParameterizedTest(name = "n={0} scale={1}")
    @CsvSource({"1,1", "4095,4", "4097,40", "100003,6"})
    void matchesReference(int n, double scale) {
        Random random = new Random(n);
        double[] a = random(random, n, scale), b = random(random, n, 2), dy = random(random, n, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor at = tensor(arena, a, n), bt = tensor(arena, b, n), y = poisoned(arena, n);
            SwiGlu.forward(at, bt, y);
            assertClose("y", values(y), Reference.swiGlu(a, b), FP32_TOLERANCE);
            HostTensor da = poisoned(arena, n), db = poisoned(arena, n);
            SwiGlu.backward(tensor(arena, dy, n), at, bt, da, db);
            double[][] expected = Reference.swiGluBackward(dy, a, b);
            assertClose("da", values(da), expected[0], FP32_TOLERANCE);
            assertClose("db", values(db), expected[1], FP32_TOLERANCE);
        }
    }

    @Test
    void rejectsMismatchedSizes() {
        try (Arena arena = Arena.ofShared()) {
            assertThrows(IllegalArgumentException.class,
                    () -> SwiGlu.forward(poisoned(arena, 5), poisoned(arena, 6), poisoned(arena, 5)));
        }
    }
}
