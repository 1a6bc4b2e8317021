/*
 * ElementwiseTest: the residual add, exact for every size across the piece boundary and in place.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.util.Random;

import static io.github.gla4j.model.ops.OpTesting.poisoned;
import static io.github.gla4j.model.ops.OpTesting.random;
import static io.github.gla4j.model.ops.OpTesting.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ElementwiseTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 4095, 4096, 4097, 50001})
    void addsExactly(int n) {
        Random random = new Random(n);
        double[] a = random(random, n, 3), b = random(random, n, 3);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = (float) a[i] + (float) b[i];
        }
        try (Arena arena = Arena.ofShared()) {
            HostTensor at = tensor(arena, a, n), bt = tensor(arena, b, n), out = poisoned(arena, n);
            Elementwise.add(at, bt, out);
            assertArrayEquals(expected, out.toFloatArray());
            Elementwise.add(at, bt, at);
            assertArrayEquals(expected, at.toFloatArray());
        }
    }
}
