/*
 * GradientClipping.java — the global L2 norm of all gradients and clipping by it, as torch's clip_grad_norm_:
 *   norm = √(Σ g²);  if norm > maxNorm: g ← g · maxNorm / (norm + 1e-6)
 * The sum is taken in double over fixed blocks added in order, so the norm does not depend on the thread count.
 * Tested by GradientClippingTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.Parameters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

public final class GradientClipping {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final int BLOCK = 1 << 16;

    private GradientClipping() {
    }

    /** √(Σ g²) over every gradient (NaN or ∞ when some gradient is). */
    public static double globalNorm(Parameters grads) {
        MemorySegment s = grads.flat().segment();
        long n = grads.flat().elementCount();
        int blocks = Math.toIntExact((n + BLOCK - 1) / BLOCK);
        double[] partial = new double[blocks];
        IntStream.range(0, blocks).parallel().forEach(b -> {
            long end = Math.min(n, (long) (b + 1) * BLOCK);
            double sum = 0;
            for (long i = (long) b * BLOCK; i < end; i++) {
                double g = s.getAtIndex(F32, i);
                sum += g * g;
            }
            partial[b] = sum;
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return Math.sqrt(total);
    }

    /**
     * Scales every gradient so that the global norm is at most maxNorm, given the current norm; returns the factor
     * applied (1 when the norm is already within bounds or maxNorm is 0, which means no clipping).
     */
    public static double clip(Parameters grads, double norm, double maxNorm) {
        if (maxNorm <= 0 || !(norm > maxNorm)) {
            return 1;
        }
        float factor = (float) (maxNorm / (norm + 1e-6));
        scale(grads, factor);
        return factor;
    }

    /** g ← g · factor for every gradient. */
    public static void scale(Parameters grads, float factor) {
        MemorySegment s = grads.flat().segment();
        long n = grads.flat().elementCount();
        int blocks = Math.toIntExact((n + BLOCK - 1) / BLOCK);
        IntStream.range(0, blocks).parallel().forEach(b -> {
            long end = Math.min(n, (long) (b + 1) * BLOCK);
            for (long i = (long) b * BLOCK; i < end; i++) {
                s.setAtIndex(F32, i, s.getAtIndex(F32, i) * factor);
            }
        });
    }
}
