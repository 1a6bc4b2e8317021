/*
 * RepeatHeadsTest: RepeatHeads forward and backward against Reference (kv head j → heads j·G … j·G + G − 1), for
 * G = 1 to 4 and odd head widths; outputs NaN-poisoned; the backward sums exactly.
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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RepeatHeadsTest {

    @ParameterizedTest(name = "rows={0} Hkv={1} G={2} D={3}")
    @CsvSource({"1,1,1,1", "5,2,2,3", "300,1,4,16", "2000,2,3,7"})
    void matchesReference(int rows, int kvHeads, int groups, int d) {
        Random random = new Random(rows + 10L * groups);
        double[] in = random(random, rows * kvHeads * d, 1), dout = random(random, rows * kvHeads * groups * d, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor out = poisoned(arena, rows, (long) kvHeads * groups * d);
            RepeatHeads.forward(tensor(arena, in, rows, (long) kvHeads * d), kvHeads, groups, d, out);
            assertArrayEquals(Reference.repeatHeads(in, rows, kvHeads, groups, d), values(out), 0.0);
            HostTensor din = poisoned(arena, rows, (long) kvHeads * d);
            RepeatHeads.backward(tensor(arena, dout, rows, (long) kvHeads * groups * d), kvHeads, groups, d, din);
            assertClose("din", values(din), Reference.repeatHeadsBackward(dout, rows, kvHeads, groups, d),
                    FP32_TOLERANCE);
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (Arena arena = Arena.ofShared()) {
            assertThrows(IllegalArgumentException.class,
                    () -> RepeatHeads.forward(poisoned(arena, 3, 8), 2, 2, 4, poisoned(arena, 3, 15)));
            assertThrows(IllegalArgumentException.class,
                    () -> RepeatHeads.forward(poisoned(arena, 3, 8), 2, 0, 4, poisoned(arena, 3, 16)));
        }
    }
}
