/*
 * TestData.java — random inputs, gate strengths, NaN poisoning and the error metric shared by the kernel tests.
 * Metric: relative RMS error, sqrt(sum (got - ref)^2 / sum mag^2), after checking that every value is finite, where
 * mag is the magnitude of the result (the reference on absolute inputs, >= |ref| elementwise; ref itself when no
 * magnitude is known). Where nothing cancels, mag = |ref| and this is the plain relative RMS error; where the true
 * result cancels to nearly nothing, an fp32 kernel can only be as accurate as its partial sums.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.HostTensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

final class TestData {

    private TestData() {
    }

    /** Log forget gates per step, from barely forgetting to forgetting everything at once. */
    enum Strength {
        /** uniform in [-0.05, 0]: long memory, states grow over T. */
        WEAK(-0.05, 0),
        /** logsigmoid(N(0,1)) / 16, what the GLA model feeds the kernels. */
        MODEL(Double.NaN, Double.NaN),
        /** uniform in [-5, 0]. */
        STRONG(-5, 0),
        /** uniform in [-50, -10]: exp(G) underflows within a chunk; must stay finite. */
        EXTREME(-50, -10);

        final double lo, hi;

        Strength(double lo, double hi) {
            this.lo = lo;
            this.hi = hi;
        }

        double sample(SplittableRandom r) {
            if (this == MODEL) {
                double x = r.nextGaussian();
                return -Math.log1p(Math.exp(-x)) / 16;
            }
            return lo + (hi - lo) * r.nextDouble();
        }
    }

    static float[] normal(SplittableRandom r, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (sd * r.nextGaussian());
        }
        return a;
    }

    static float[] gates(SplittableRandom r, int n, Strength s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) s.sample(r);
        }
        return a;
    }

    static void poison(HostTensor t) {
        if (t != null) {
            t.fill(Float.NaN);
        }
    }

    static double relRms(float[] ref, float[] magnitude, float[] got) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = (double) got[i] - ref[i];
            num += d * d;
            den += (double) magnitude[i] * magnitude[i];
        }
        return den == 0 ? Math.sqrt(num / Math.max(1, ref.length)) : Math.sqrt(num / den);
    }

    /** Fails unless every value is finite (an unwritten output keeps its NaN poison). */
    static void assertFinite(String what, float[] got) {
        for (int i = 0; i < got.length; i++) {
            if (!Float.isFinite(got[i])) {
                int bad = 0;
                for (float x : got) {
                    bad += Float.isFinite(x) ? 0 : 1;
                }
                fail(what + ": " + bad + " of " + got.length + " values are not finite, the first at index " + i
                        + " (" + got[i] + ")");
            }
        }
    }

    /** Finite, then relative RMS error at most tol. */
    static void assertClose(String what, float[] ref, float[] got, double tol) {
        assertClose(what, ref, ref, got, tol);
    }

    /** Finite, then RMS error relative to the magnitude at most tol. */
    static void assertClose(String what, float[] ref, float[] magnitude, float[] got, double tol) {
        if (ref.length != got.length || magnitude.length != ref.length) {
            fail(what + ": length " + got.length + ", expected " + ref.length);
        }
        assertFinite(what, got);
        double err = relRms(ref, magnitude, got);
        if (!(err <= tol)) {
            int worst = 0;
            for (int i = 0; i < ref.length; i++) {
                if (Math.abs(got[i] - ref[i]) > Math.abs(got[worst] - ref[worst])) {
                    worst = i;
                }
            }
            fail(String.format("%s: relative RMS error %.3g > %.1g (worst at %d: got %s, expected %s)", what, err,
                    tol, worst, got[worst], ref[worst]));
        }
    }
}
