/*
 * ReferenceGradientTest.java — the reference's analytic backward (ReferenceMath.backward) against central finite
 * differences of its forward, all in double, for every input (q, k, v, g, h0) and every gate kind, with and without
 * initial/final state, across the recompute-checkpoint boundary (T > 64), with varlen including an empty sequence,
 * and with gates down to -50 per step. The reference's chunk and recurrent ops share this math, so this checks both;
 * the native kernels are then checked against the reference.
 * Run: ./mvnw -o test -Dtest=ReferenceGradientTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import io.github.gla4j.kernels.TestData.Strength;
import io.github.gla4j.memory.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ReferenceGradientTest {

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of("channel h0 ht", problem(2, 7, 2, 3, 4, Gate.CHANNEL, null), Strength.MODEL, true, true),
                Arguments.of("channel no states", problem(1, 9, 1, 4, 3, Gate.CHANNEL, null), Strength.STRONG, false, false),
                Arguments.of("head h0", problem(2, 6, 2, 3, 2, Gate.HEAD, null), Strength.MODEL, true, false),
                Arguments.of("none ht", problem(1, 8, 2, 2, 3, Gate.NONE, null), Strength.WEAK, false, true),
                Arguments.of("channel T70 across checkpoints", problem(1, 70, 1, 2, 3, Gate.CHANNEL, null),
                        Strength.WEAK, true, true),
                Arguments.of("head T130", problem(1, 130, 1, 2, 2, Gate.HEAD, null), Strength.STRONG, true, true),
                Arguments.of("varlen with empty sequence", problem(1, 9, 2, 3, 2, Gate.CHANNEL, new long[]{0, 3, 3, 9}),
                        Strength.MODEL, true, true),
                Arguments.of("extreme gates", problem(1, 6, 1, 3, 3, Gate.CHANNEL, null), Strength.EXTREME, true, true),
                Arguments.of("extreme head gates", problem(2, 5, 1, 2, 3, Gate.HEAD, null), Strength.EXTREME, true, true));
    }

    static Problem problem(int b, int t, int h, int k, int v, Gate gate, long[] cu) {
        return new Problem(b, t, h, k, v, cu == null ? 0 : cu.length - 1, (float) (1 / Math.sqrt(k)), DType.F32, gate,
                Algorithm.AUTO, cu);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void backwardMatchesFiniteDifferences(String name, Problem p, Strength strength, boolean withH0, boolean withHt) {
        SplittableRandom r = new SplittableRandom(name.hashCode());
        int keys = (int) (p.batch() * p.seqLen() * p.heads() * p.keyDim());
        int values = (int) (p.batch() * p.seqLen() * p.heads() * p.valueDim());
        int states = (int) (p.sequences() * p.heads() * p.keyDim() * p.valueDim());
        int gates = switch (p.gate()) {
            case CHANNEL -> keys;
            case HEAD -> (int) (p.batch() * p.seqLen() * p.heads());
            case NONE -> 0;
        };
        double[] q = normal(r, keys), k = normal(r, keys), v = normal(r, values);
        double[] g = p.gate() == Gate.NONE ? null : gates(r, gates, strength);
        double[] h0 = withH0 ? normal(r, states) : null;
        double[] wo = normal(r, values), wht = withHt ? normal(r, states) : null;

        double[] dq = new double[keys], dk = new double[keys], dv = new double[values];
        double[] dg = g == null ? null : new double[gates];
        double[] dh0 = h0 == null ? null : new double[states];
        ReferenceMath.backward(p, q, k, v, g, h0, wo, wht, dq, dk, dv, dg, dh0);

        Loss loss = () -> {
            double[] o = new double[values];
            double[] ht = wht == null ? null : new double[states];
            ReferenceMath.forward(p, q, k, v, g, h0, o, ht);
            return dot(o, wo) + (ht == null ? 0 : dot(ht, wht));
        };
        check("dq", q, dq, loss);
        check("dk", k, dk, loss);
        check("dv", v, dv, loss);
        if (g != null) {
            check("dg", g, dg, loss);
        }
        if (h0 != null) {
            check("dh0", h0, dh0, loss);
        }
    }

    interface Loss {
        double value();
    }

    /** Central differences of the loss in every element of x, compared with the analytic gradient. */
    private static void check(String what, double[] x, double[] analytic, Loss loss) {
        double eps = 1e-6;
        double scale = 1;
        for (double a : analytic) {
            scale = Math.max(scale, Math.abs(a));
        }
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            x[i] = saved + eps;
            double up = loss.value();
            x[i] = saved - eps;
            double down = loss.value();
            x[i] = saved;
            double fd = (up - down) / (2 * eps);
            assertTrue(Double.isFinite(analytic[i]), what + "[" + i + "] is not finite: " + analytic[i]);
            if (Math.abs(fd - analytic[i]) > 1e-6 * scale) {
                fail(what + "[" + i + "]: analytic " + analytic[i] + ", finite differences " + fd + " (scale " + scale + ")");
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] normal(SplittableRandom r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    private static double[] gates(SplittableRandom r, int n, Strength s) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = s.sample(r);
        }
        return a;
    }
}
