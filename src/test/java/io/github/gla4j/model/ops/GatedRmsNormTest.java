/*
 * GatedRmsNormTest: GatedRmsNorm forward and backward against Reference, rows (tokens × heads) from 1 to several
 * parallel blocks, head widths 2 to 256, gates large enough to saturate σ; outputs NaN-poisoned when written.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;
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

class GatedRmsNormTest {

    @ParameterizedTest(name = "rows={0} D={1} gate scale={2}")
    // D = 1 is degenerate (see RmsNormTest)
    @CsvSource({"1,2,1", "3,5,4", "96,16,4", "1000,33,30", "2048,256,8"})
    void matchesReference(int rows, int d, double gateScale) {
        Random random = new Random(rows * 17L + d);
        float eps = 1e-5f;
        double[] x = random(random, rows * d, 3), z = random(random, rows * d, gateScale), w = random(random, d, 2);
        double[] dy = random(random, rows * d, 1), dw0 = random(random, d, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor xt = tensor(arena, x, rows, d), zt = tensor(arena, z, rows, d), wt = tensor(arena, w, d);
            HostTensor y = poisoned(arena, rows, d), rstd = poisoned(arena, rows);
            GatedRmsNorm.forward(xt, zt, wt, eps, y, rstd);
            assertClose("y", values(y), Reference.gatedRmsNorm(x, z, w, eps, rows, d), FP32_TOLERANCE);

            double[][] expected = Reference.gatedRmsNormBackward(dy, x, z, w, eps, rows, d);
            HostTensor dx = poisoned(arena, rows, d), dz = poisoned(arena, rows, d), dw = tensor(arena, dw0, d);
            GatedRmsNorm.backward(tensor(arena, dy, rows, d), xt, zt, wt, rstd, dx, dz, dw);
            assertClose("dx", values(dx), expected[0], FP32_TOLERANCE);
            assertClose("dz", values(dz), expected[1], FP32_TOLERANCE);
            assertClose("dw", values(dw), add(dw0, expected[2]), FP32_TOLERANCE);
        }
    }
}
