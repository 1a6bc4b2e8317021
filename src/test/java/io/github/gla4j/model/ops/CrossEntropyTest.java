/*
 * CrossEntropyTest: the fused CrossEntropy against Reference: loss and gradient, ignored rows, vocabularies from 1 to
 * 32000, large logits (the row max is subtracted first), the gradient written over the logits themselves; targets
 * outside the vocabulary are refused.
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

class CrossEntropyTest {

    @ParameterizedTest(name = "rows={0} V={1} scale={2}")
    @CsvSource({"1,1,1", "5,7,3", "96,256,5", "3,32000,8", "700,50,20"})
    void matchesReference(int rows, int v, double scale) {
        Random random = new Random(rows * 7L + v);
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) {
            targets[r] = r % 5 == 4 ? CrossEntropy.IGNORE_INDEX : random.nextInt(v);
        }
        double[] logits = random(random, rows * v, scale);
        int count = CrossEntropy.validTargets(targets);
        float gradScale = 1f / Math.max(1, count);
        try (Arena arena = Arena.ofShared()) {
            HostTensor lt = tensor(arena, logits, rows, v);
            double expected = Reference.crossEntropy(logits, targets, v);
            assertEquals(expected, CrossEntropy.forward(lt, targets), 1e-6 * Math.max(1, Math.abs(expected)));
            HostTensor d = poisoned(arena, rows, v);
            double loss = CrossEntropy.forwardBackward(lt, targets, gradScale, d);
            assertEquals(expected, loss, 1e-6 * Math.max(1, Math.abs(expected)));
            double[] grad = Reference.crossEntropyBackward(logits, targets, v, gradScale);
            assertClose("dlogits", values(d), grad, FP32_TOLERANCE);
            CrossEntropy.forwardBackward(lt, targets, gradScale, lt);
            assertClose("dlogits in place", values(lt), grad, FP32_TOLERANCE);
        }
    }

    @Test
    void largeLogitsDoNotOverflow() {
        try (Arena arena = Arena.ofShared()) {
            HostTensor logits = tensor(arena, new double[]{1000, 999, -1000}, 1, 3), d = poisoned(arena, 1, 3);
            double loss = CrossEntropy.forwardBackward(logits, new int[]{1}, 1f, d);
            assertEquals(1 + Math.log1p(Math.exp(-1)), loss, 1e-6);
            float[] g = d.toFloatArray();
            double p0 = 1 / (1 + Math.exp(-1));
            assertEquals(p0, g[0], 1e-6);
            assertEquals(1 - p0 - 1, g[1], 1e-6);
            assertEquals(0, g[2], 1e-12);
        }
    }

    @Test
    void refusesBadTargets() {
        try (Arena arena = Arena.ofShared()) {
            HostTensor logits = poisoned(arena, 2, 4);
            assertThrows(IllegalArgumentException.class, () -> CrossEntropy.forward(logits, new int[]{0, 4}));
            assertThrows(IllegalArgumentException.class, () -> CrossEntropy.forward(logits, new int[]{-1, 0}));
            assertThrows(IllegalArgumentException.class, () -> CrossEntropy.forward(logits, new int[]{0}));
            assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.forwardBackward(logits, new int[]{0, 1}, 1f, poisoned(arena, 2, 3)));
        }
    }
}
