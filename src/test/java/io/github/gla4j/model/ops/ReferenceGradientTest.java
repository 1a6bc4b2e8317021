/*
 * ReferenceGradientTest: every backward of the double reference (Reference) against central finite differences of
 * its forward, in double, on small awkward shapes. The loss is <y, R> for a fixed random R, so d loss / d y = R.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model.ops;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.github.gla4j.model.ops.OpTesting.FD_TOLERANCE;
import static io.github.gla4j.model.ops.OpTesting.assertClose;
import static io.github.gla4j.model.ops.OpTesting.dot;
import static io.github.gla4j.model.ops.OpTesting.finiteDifferences;
import static io.github.gla4j.model.ops.OpTesting.random;

class ReferenceGradientTest {

    private final Random random = new Random(11);

    @Test
    void linear() {
        int m = 3, n = 5, k = 7;
        double[] x = random(random, m * k, 1), w = random(random, n * k, 1), b = random(random, n, 1);
        double[] r = random(random, m * n, 1);
        assertClose("dx", Reference.linearBackwardInput(r, w, m, n, k),
                finiteDifferences(v -> dot(r, Reference.linear(v, w, b, m, n, k)), x), FD_TOLERANCE);
        assertClose("dw", Reference.linearBackwardWeight(r, x, m, n, k),
                finiteDifferences(v -> dot(r, Reference.linear(x, v, b, m, n, k)), w), FD_TOLERANCE);
        assertClose("db", Reference.columnSums(r, m, n),
                finiteDifferences(v -> dot(r, Reference.linear(x, w, v, m, n, k)), b), FD_TOLERANCE);
    }

    @Test
    void rmsNorm() {
        int rows = 4, d = 9;
        double eps = 1e-6;
        double[] x = random(random, rows * d, 2), w = random(random, d, 1.5), r = random(random, rows * d, 1);
        double[][] g = Reference.rmsNormBackward(r, x, w, eps, rows, d);
        assertClose("dx", g[0], finiteDifferences(v -> dot(r, Reference.rmsNorm(v, w, eps, rows, d)), x),
                FD_TOLERANCE);
        assertClose("dw", g[1], finiteDifferences(v -> dot(r, Reference.rmsNorm(x, v, eps, rows, d)), w),
                FD_TOLERANCE);
    }

    @Test
    void gatedRmsNorm() {
        int rows = 6, d = 5;
        double eps = 1e-5;
        double[] x = random(random, rows * d, 2), z = random(random, rows * d, 4), w = random(random, d, 1.5);
        double[] r = random(random, rows * d, 1);
        double[][] g = Reference.gatedRmsNormBackward(r, x, z, w, eps, rows, d);
        assertClose("dx", g[0], finiteDifferences(v -> dot(r, Reference.gatedRmsNorm(v, z, w, eps, rows, d)), x),
                FD_TOLERANCE);
        assertClose("dz", g[1], finiteDifferences(v -> dot(r, Reference.gatedRmsNorm(x, v, w, eps, rows, d)), z),
                FD_TOLERANCE);
        assertClose("dw", g[2], finiteDifferences(v -> dot(r, Reference.gatedRmsNorm(x, z, v, eps, rows, d)), w),
                FD_TOLERANCE);
    }

    @Test
    void swiGlu() {
        double[] a = random(random, 17, 5), b = random(random, 17, 2), r = random(random, 17, 1);
        double[][] g = Reference.swiGluBackward(r, a, b);
        assertClose("da", g[0], finiteDifferences(v -> dot(r, Reference.swiGlu(v, b)), a), FD_TOLERANCE);
        assertClose("db", g[1], finiteDifferences(v -> dot(r, Reference.swiGlu(a, v)), b), FD_TOLERANCE);
    }

    @Test
    void logSigmoidGate() {
        double[] z = random(random, 40, 8), r = random(random, 40, 1);
        for (double clamp : new double[]{Double.NEGATIVE_INFINITY, -0.1}) {
            assertClose("dz clamp " + clamp, Reference.logSigmoidGateBackward(r, z, 16, clamp),
                    finiteDifferences(v -> dot(r, Reference.logSigmoidGate(v, 16, clamp)), z), FD_TOLERANCE);
        }
    }

    @Test
    void repeatHeads() {
        int rows = 3, kv = 2, groups = 3, d = 4;
        double[] in = random(random, rows * kv * d, 1), r = random(random, rows * kv * groups * d, 1);
        assertClose("din", Reference.repeatHeadsBackward(r, rows, kv, groups, d),
                finiteDifferences(v -> dot(r, Reference.repeatHeads(v, rows, kv, groups, d)), in), FD_TOLERANCE);
    }

    @Test
    void embedding() {
        int vocab = 6, d = 3;
        int[] ids = {1, 4, 1, 0, 5, 4, 2};
        double[] table = random(random, vocab * d, 1), r = random(random, ids.length * d, 1);
        assertClose("dtable", Reference.embeddingBackward(ids, r, vocab, d, Embedding.NO_PADDING),
                finiteDifferences(v -> dot(r, Reference.embedding(ids, v, d)), table), FD_TOLERANCE);
    }

    @Test
    void crossEntropy() {
        int v = 7;
        int[] targets = {3, CrossEntropy.IGNORE_INDEX, 0, 6, 6};
        double[] logits = random(random, targets.length * v, 3);
        double scale = 0.25;
        assertClose("dlogits", Reference.crossEntropyBackward(logits, targets, v, scale),
                finiteDifferences(l -> scale * Reference.crossEntropy(l, targets, v), logits), FD_TOLERANCE);
    }
}
