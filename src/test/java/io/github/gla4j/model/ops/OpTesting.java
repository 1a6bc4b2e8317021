/*
 * OpTesting.java — shared pieces of the op tests: random fp32-representable inputs, NaN-poisoned outputs (an
 * element the op forgets to write fails the test), conversions, central finite differences in double, and the
 * relative-RMS assertion (no NaN or infinity allowed).
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.Arena;
import java.util.Random;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

final class OpTesting {

    /** fp32 results against the double reference: forward and gradients. */
    static final double FP32_TOLERANCE = 1e-5;
    /** The reference's analytic gradients against central differences in double. */
    static final double FD_TOLERANCE = 1e-7;

    private OpTesting() {
    }

    /** n values uniform in [−scale, scale], rounded to fp32 so that both sides see the same inputs. */
    static double[] random(Random random, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((2 * random.nextDouble() - 1) * scale);
        }
        return x;
    }

    static HostTensor tensor(Arena arena, double[] values, long... dims) {
        HostTensor t = HostTensor.allocate(arena, DType.F32, dims);
        if (t.elementCount() != values.length) {
            throw new IllegalArgumentException(values.length + " values for " + t);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        t.copyFrom(f);
        return t;
    }

    /** A tensor full of NaN: whatever the op does not write stays NaN and fails the comparison. */
    static HostTensor poisoned(Arena arena, long... dims) {
        HostTensor t = HostTensor.allocate(arena, DType.F32, dims);
        t.fill(Float.NaN);
        return t;
    }

    static double[] values(HostTensor t) {
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] add(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    /** Central differences (f(x + h e_i) − f(x − h e_i)) / 2h for every i, h relative to |x_i|. */
    static double[] finiteDifferences(ToDoubleFunction<double[]> f, double[] x) {
        double[] grad = new double[x.length];
        double[] probe = x.clone();
        for (int i = 0; i < x.length; i++) {
            double h = 1e-6 * Math.max(1, Math.abs(x[i]));
            probe[i] = x[i] + h;
            double up = f.applyAsDouble(probe);
            probe[i] = x[i] - h;
            double down = f.applyAsDouble(probe);
            probe[i] = x[i];
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    /** Relative RMS error ‖actual − expected‖ / ‖expected‖ (absolute when expected is 0); +∞ on NaN or infinity. */
    static double relRms(double[] actual, double[] expected) {
        assertTrue(actual.length == expected.length, "lengths " + actual.length + " vs " + expected.length);
        double num = 0, den = 0;
        for (int i = 0; i < actual.length; i++) {
            if (!Double.isFinite(actual[i])) {
                return Double.POSITIVE_INFINITY;
            }
            num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += expected[i] * expected[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    static void assertClose(String what, double[] actual, double[] expected, double tolerance) {
        double e = relRms(actual, expected);
        assertTrue(e <= tolerance, what + ": relative RMS error " + e + " > " + tolerance);
    }
}
