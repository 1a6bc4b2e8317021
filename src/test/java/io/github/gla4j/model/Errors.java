/*
 * Errors.java — the error metrics of the model tests: relative RMS error ‖a − b‖ / ‖b‖ (b the expected values),
 * failing on any NaN or infinity in the actual values.
 */
package io.github.gla4j.model;

final class Errors {

    private Errors() {
    }

    /** sqrt(Σ (actual − expected)²) / sqrt(Σ expected²); +∞ when actual holds a NaN or an infinity. */
    static double relRms(float[] actual, float[] expected) {
        double[] a = new double[actual.length], e = new double[expected.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = actual[i];
        }
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        return relRms(a, e);
    }

    static double relRms(double[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("lengths differ: " + actual.length + " vs " + expected.length);
        }
        double num = 0, den = 0;
        for (int i = 0; i < actual.length; i++) {
            if (!Double.isFinite(actual[i])) {
                return Double.POSITIVE_INFINITY;
            }
            double d = actual[i] - expected[i];
            num += d * d;
            den += expected[i] * expected[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
