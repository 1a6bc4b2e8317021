/*
 * GradientClippingTest — the global norm against a double sum, clipping to the bound (as torch's clip_grad_norm_),
 * no change within the bound or with clipping off, and a NaN gradient showing in the norm.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.Parameters;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientClippingTest {

    @Test
    void normAndClip() {
        try (Parameters g = Parameters.zeros(AdamWTest.SMALL)) {
            int n = Math.toIntExact(g.flat().elementCount());
            float[] values = new float[n];
            Random random = new Random(1);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                values[i] = (float) random.nextGaussian();
                sum += (double) values[i] * values[i];
            }
            g.flat().copyFrom(values);
            double norm = GradientClipping.globalNorm(g);
            assertEquals(Math.sqrt(sum), norm, 1e-9 * norm);

            assertEquals(1, GradientClipping.clip(g, norm, 0));          // off
            assertEquals(1, GradientClipping.clip(g, norm, 2 * norm));   // within the bound
            assertEquals(values[7], g.flat().get(7));

            double factor = GradientClipping.clip(g, norm, 1.0);
            assertEquals(1.0 / (norm + 1e-6), factor, 1e-7 * factor);
            assertEquals(1.0, GradientClipping.globalNorm(g), 1e-5);

            g.flat().set(3, Float.NaN);
            assertTrue(Double.isNaN(GradientClipping.globalNorm(g)));
        }
    }
}
