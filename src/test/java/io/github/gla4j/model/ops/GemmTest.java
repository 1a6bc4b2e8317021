/*
 * GemmTest: the three products of Gemm against the plain triple loops of Reference, on shapes that hit every tail
 * of the blocking (1, odd, exactly a block, a block + 1, several blocks), with and without bias and accumulation;
 * outputs NaN-poisoned when written, random when accumulated into. The few-row forward (no packing) on 1 to 9 rows,
 * around Gemm.FEW_ROWS, with widths that are not multiples of 4 or of a vector. Also: bitwise the same result on one
 * thread as on the common pool, for both forward paths, and argument checks.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.github.gla4j.model.ops.OpTesting.FP32_TOLERANCE;
import static io.github.gla4j.model.ops.OpTesting.add;
import static io.github.gla4j.model.ops.OpTesting.assertClose;
import static io.github.gla4j.model.ops.OpTesting.poisoned;
import static io.github.gla4j.model.ops.OpTesting.random;
import static io.github.gla4j.model.ops.OpTesting.tensor;
import static io.github.gla4j.model.ops.OpTesting.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GemmTest {

    @ParameterizedTest(name = "M={0} N={1} K={2}")
    @CsvSource({"1,1,1", "3,5,7", "2,1,300", "1,1000,3", "128,256,256", "129,257,257", "130,300,517", "200,1,64",
            "7,33,1", "300,513,40"})
    void matchesReference(int m, int n, int k) {
        Random random = new Random(m * 31L + n * 7L + k);
        double[] x = random(random, m * k, 1), w = random(random, n * k, 1), b = random(random, n, 1);
        double[] dy = random(random, m * n, 1), dx0 = random(random, m * k, 1), dw0 = random(random, n * k, 1);
        double[] db0 = random(random, n, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor xt = tensor(arena, x, m, k), wt = tensor(arena, w, n, k), bt = tensor(arena, b, n);
            HostTensor dyt = tensor(arena, dy, m, n);

            assertForward(arena, xt, wt, bt, x, w, b, m, n, k);

            double[] expectedDx = Reference.linearBackwardInput(dy, w, m, n, k);
            HostTensor dx = poisoned(arena, m, k);
            Gemm.backwardInput(dyt, wt, dx, false);
            assertClose("dx", values(dx), expectedDx, FP32_TOLERANCE);
            dx = tensor(arena, dx0, m, k);
            Gemm.backwardInput(dyt, wt, dx, true);
            assertClose("dx accumulated", values(dx), add(dx0, expectedDx), FP32_TOLERANCE);

            HostTensor dw = tensor(arena, dw0, n, k), db = tensor(arena, db0, n);
            Gemm.backwardWeight(dyt, xt, dw, db);
            assertClose("dw", values(dw), add(dw0, Reference.linearBackwardWeight(dy, x, m, n, k)), FP32_TOLERANCE);
            assertClose("dbias", values(db), add(db0, Reference.columnSums(dy, m, n)), FP32_TOLERANCE);
        }
    }

    /** Gemm.forward without and with a bias against the reference, into poisoned outputs. */
    private static void assertForward(Arena arena, HostTensor xt, HostTensor wt, HostTensor bt, double[] x, double[] w,
                                      double[] b, int m, int n, int k) {
        HostTensor y = poisoned(arena, m, n);
        Gemm.forward(xt, wt, null, y);
        assertClose("y", values(y), Reference.linear(x, w, null, m, n, k), FP32_TOLERANCE);
        y = poisoned(arena, m, n);
        Gemm.forward(xt, wt, bt, y);
        assertClose("y + bias", values(y), Reference.linear(x, w, b, m, n, k), FP32_TOLERANCE);
    }

    static Stream<Arguments> fewRowShapes() {
        int[][] nk = {{1, 1}, {3, 7}, {5, 1}, {67, 37}, {130, 515}, {1000, 3}, {257, 64}};
        return IntStream.of(1, 2, 3, Gemm.FEW_ROWS, Gemm.FEW_ROWS + 1, 8, 9).distinct().boxed()
                .flatMap(m -> Arrays.stream(nk).map(s -> Arguments.of(m, s[0], s[1])));
    }

    @ParameterizedTest(name = "M={0} N={1} K={2}")
    @MethodSource("fewRowShapes")
    void fewRowsMatchReference(int m, int n, int k) {
        Random random = new Random(m * 131L + n * 17L + k);
        double[] x = random(random, m * k, 1), w = random(random, n * k, 1), b = random(random, n, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor xt = tensor(arena, x, m, k), wt = tensor(arena, w, n, k), bt = tensor(arena, b, n);
            assertForward(arena, xt, wt, bt, x, w, b, m, n, k);
        }
    }

    @ParameterizedTest(name = "M={0}")
    @ValueSource(ints = {1, 3, Gemm.FEW_ROWS})
    void fewRowsDoNotDependOnTheThreadCount(int m) throws Exception {
        int n = 1001, k = 300;
        Random random = new Random(m);
        try (Arena arena = Arena.ofShared()) {
            HostTensor x = tensor(arena, random(random, m * k, 1), m, k);
            HostTensor w = tensor(arena, random(random, n * k, 1), n, k), b = tensor(arena, random(random, n, 1), n);
            HostTensor y1 = poisoned(arena, m, n), y2 = poisoned(arena, m, n);
            Gemm.forward(x, w, b, y1);
            try (ForkJoinPool one = new ForkJoinPool(1)) {
                one.submit(() -> Gemm.forward(x, w, b, y2)).get();
            }
            assertArrayEquals(y1.toFloatArray(), y2.toFloatArray());
        }
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() throws Exception {
        int m = 300, n = 200, k = 600;
        Random random = new Random(5);
        try (Arena arena = Arena.ofShared()) {
            HostTensor x = tensor(arena, random(random, m * k, 1), m, k);
            HostTensor w = tensor(arena, random(random, n * k, 1), n, k);
            HostTensor dy = tensor(arena, random(random, m * n, 1), m, n);
            HostTensor y1 = poisoned(arena, m, n), y2 = poisoned(arena, m, n);
            HostTensor dw1 = poisoned(arena, n, k), dw2 = poisoned(arena, n, k);
            dw1.fill(0);
            dw2.fill(0);
            Gemm.forward(x, w, null, y1);
            Gemm.backwardWeight(dy, x, dw1, null);
            try (ForkJoinPool one = new ForkJoinPool(1)) {
                one.submit(() -> {
                    Gemm.forward(x, w, null, y2);
                    Gemm.backwardWeight(dy, x, dw2, null);
                }).get();
            }
            assertArrayEquals(y1.toFloatArray(), y2.toFloatArray());
            assertArrayEquals(dw1.toFloatArray(), dw2.toFloatArray());
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (Arena arena = Arena.ofShared()) {
            HostTensor x = poisoned(arena, 4, 8), w = poisoned(arena, 3, 8), y = poisoned(arena, 4, 3);
            assertThrows(IllegalArgumentException.class, () -> Gemm.forward(x, poisoned(arena, 3, 7), null, y));
            assertThrows(IllegalArgumentException.class, () -> Gemm.forward(x, w, null, poisoned(arena, 4, 4)));
            assertThrows(IllegalArgumentException.class, () -> Gemm.forward(x, w, poisoned(arena, 4), y));
            assertThrows(IllegalArgumentException.class, () -> Gemm.forward(x, poisoned(arena, 24), null, y));
            assertThrows(IllegalArgumentException.class, () -> Gemm.backwardInput(y, w, poisoned(arena, 4, 9), false));
            assertThrows(IllegalArgumentException.class, () -> Gemm.backwardWeight(y, x, poisoned(arena, 3, 9), null));
        }
    }
}
