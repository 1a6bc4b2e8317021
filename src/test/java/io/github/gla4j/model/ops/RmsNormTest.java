/*
 * RmsNormTest: RmsNorm forward and backward against Reference (whose backward ReferenceGradientTest checks by finite
 * differences), rows from 1 to several parallel blocks, widths from 2 to 1000; outputs NaN-poisoned when written,
 * random when accumulated into.
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
import static io.github.gla4j.model.ops.OpTesting.add;
import static io.github.gla4j.model.ops.OpTesting.assertClose;
import static io.github.gla4j.model.ops.OpTesting.poisoned;
import static io.github.gla4j.model.ops.OpTesting.random;
import static io.github.gla4j.model.ops.OpTesting.tensor;
import static io.github.gla4j.model.ops.OpTesting.values;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RmsNormTest {

    // D = 1 is left out on purpose: x̂ = ±1 there, and dx = rstd·w·dy·(1 − x̂²) is an eps-sized cancellation that
    // no fp32 implementation reproduces to 1e-5 relative.
    @ParameterizedTest(name = "rows={0} D={1}")
    @CsvSource({"1,2", "1,64", "3,5", "97,64", "1000,33", "5,1000", "4096,16"})
    void matchesReference(int rows, int d) {
        Random random = new Random(rows * 131L + d);
        float eps = 1e-6f;
        double[] x = random(random, rows * d, 3), w = random(random, d, 2), dy = random(random, rows * d, 1);
        double[] dw0 = random(random, d, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor xt = tensor(arena, x, rows, d), wt = tensor(arena, w, d);
            HostTensor y = poisoned(arena, rows, d), rstd = poisoned(arena, rows);
            RmsNorm.forward(xt, wt, eps, y, rstd);
            assertClose("y", values(y), Reference.rmsNorm(x, w, eps, rows, d), FP32_TOLERANCE);
            double[] expectedRstd = new double[rows];
            for (int r = 0; r < rows; r++) {
                expectedRstd[r] = Reference.rstd(x, r, d, eps);
            }
            assertClose("rstd", values(rstd), expectedRstd, FP32_TOLERANCE);

            double[][] expected = Reference.rmsNormBackward(dy, x, w, eps, rows, d);
            HostTensor dyt = tensor(arena, dy, rows, d);
            HostTensor dx = poisoned(arena, rows, d), dw = tensor(arena, dw0, d);
            RmsNorm.backward(dyt, xt, wt, rstd, dx, false, dw);
            assertClose("dx", values(dx), expected[0], FP32_TOLERANCE);
            assertClose("dw", values(dw), add(dw0, expected[1]), FP32_TOLERANCE);
        }
    }

    @Test
    void accumulatesIntoDx() {
        int rows = 7, d = 12;
        Random random = new Random(3);
        double[] x = random(random, rows * d, 3), w = random(random, d, 2), dy = random(random, rows * d, 1);
        double[] dx0 = random(random, rows * d, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor xt = tensor(arena, x, rows, d), wt = tensor(arena, w, d), rstd = poisoned(arena, rows);
            RmsNorm.forward(xt, wt, 1e-6f, poisoned(arena, rows, d), rstd);
            HostTensor dx = tensor(arena, dx0, rows, d), dw = tensor(arena, new double[d], d);
            RmsNorm.backward(tensor(arena, dy, rows, d), xt, wt, rstd, dx, true, dw);
            assertClose("dx accumulated", values(dx), add(dx0, Reference.rmsNormBackward(dy, x, w, 1e-6, rows, d)[0]),
                    FP32_TOLERANCE);
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (Arena arena = Arena.ofShared()) {
            HostTensor x = poisoned(arena, 4, 8), w = poisoned(arena, 8);
            assertThrows(IllegalArgumentException.class,
                    () -> RmsNorm.forward(x, poisoned(arena, 7), 1e-6f, poisoned(arena, 4, 8), poisoned(arena, 4)));
            assertThrows(IllegalArgumentException.class,
                    () -> RmsNorm.forward(x, w, 1e-6f, poisoned(arena, 4, 7), poisoned(arena, 4)));
            assertThrows(IllegalArgumentException.class,
                    () -> RmsNorm.forward(x, w, 1e-6f, poisoned(arena, 4, 8), poisoned(arena, 5)));
        }
    }
}
