/*
 * GradientClipping.java — the global L2 norm of all gradients and clipping by it, as torch's clip_grad_norm_:
 *   norm = √(Σ g²);  if norm > maxNorm: g ← g · maxNorm / (norm + 1e-6)
 * The sum is taken in double over fixed blocks added in order, so the norm does not depend on the thread count;
 * DeviceParameters are reduced on their device (gla_sum_squares, gla_scale), deterministically too.
 * Tested by GradientClippingTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.model.DeviceParameters;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.Arena;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

public final class GradientClipping {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final int BLOCK = 1 << 16;

    private GradientClipping() {
    }

    /** √(Σ g²) over every gradient (NaN or ∞ when some gradient is). */
    public static double globalNorm(ParameterSet grads) {
        if (grads instanceof DeviceParameters d) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment sum = arena.allocate(ValueLayout.JAVA_DOUBLE);
                Gla.check("gla_sum_squares", GlaH.gla_sum_squares(d.context().handle(), d.flat().elementCount(),
                        d.flat().pointer(), sum));
                return Math.sqrt(sum.get(ValueLayout.JAVA_DOUBLE, 0));
            }
        }
        MemorySegment s = ((HostTensor) grads.flat()).segment();
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
    public static double clip(ParameterSet grads, double norm, double maxNorm) {
        if (maxNorm <= 0 || !(norm > maxNorm)) {
            return 1;
        }
        float factor = (float) (maxNorm / (norm + 1e-6));
        scale(grads, factor);
        return factor;
    }

    /** g ← g · factor for every gradient. */
    public static void scale(ParameterSet grads, float factor) {
        if (grads instanceof DeviceParameters d) {
            Gla.check("gla_scale", GlaH.gla_scale(d.context().handle(), d.flat().elementCount(), factor,
                    d.flat().pointer()));
            return;
        }
        MemorySegment s = ((HostTensor) grads.flat()).segment();
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
