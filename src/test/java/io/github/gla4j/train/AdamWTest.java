/*
 * AdamWTest — AdamW against the update written out in double (bias-corrected moments, decoupled weight decay), over
 * several steps, with and without the decay of norms and biases; and the decay mask: exactly the rank-1 parameters.
 */
package io.github.gla4j.train;

import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.Parameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWTest {

    static final GlaConfig SMALL = GlaConfig.preset("tiny").toBuilder().hiddenSize(16).numHeads(2).vocabSize(11)
            .intermediateSize(24).numHiddenLayers(1).build();

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void matchesTheUpdateWrittenOutInDouble(boolean decayNormsAndBiases) {
        AdamW.Settings s = new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, decayNormsAndBiases);
        Random random = new Random(3);
        try (Parameters params = Parameters.initialized(SMALL, 5); Parameters grads = Parameters.zeros(SMALL);
             AdamW adamw = new AdamW(s, SMALL)) {
            params.get("model.norm.weight").fill(1.5f); // norms start at 1; move them so decay shows
            int n = Math.toIntExact(params.flat().elementCount());
            double[] p = new double[n], m = new double[n], v = new double[n];
            boolean[] decayed = decayMask(params, decayNormsAndBiases);
            for (int i = 0; i < n; i++) {
                p[i] = params.flat().get(i);
            }
            double[] lrs = {1e-2, 3e-3, 5e-2};
            for (int t = 1; t <= lrs.length; t++) {
                float[] g = new float[n];
                for (int i = 0; i < n; i++) {
                    g[i] = (float) (random.nextGaussian() * (i % 7 == 0 ? 1e-3 : 1));
                }
                grads.flat().copyFrom(g);
                adamw.update(params, grads, lrs[t - 1]);
                double lr = lrs[t - 1];
                for (int i = 0; i < n; i++) {
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.95 * v[i] + 0.05 * (double) g[i] * g[i];
                    double mHat = m[i] / (1 - Math.pow(0.9, t)), vHat = v[i] / (1 - Math.pow(0.95, t));
                    p[i] = p[i] * (decayed[i] ? 1 - lr * 0.1 : 1) - lr * mHat / (Math.sqrt(vHat) + 1e-8);
                }
            }
            assertEquals(3, adamw.step());
            double err = 0, ref = 0;
            for (int i = 0; i < n; i++) {
                err += Math.pow(params.flat().get(i) - p[i], 2);
                ref += p[i] * p[i];
            }
            double relRms = Math.sqrt(err / ref);
            assertTrue(relRms < 1e-6, "relative RMS error " + relRms);
        }
    }

    /** Decay applies to every parameter, or to all but the rank-1 ones (norm weights and the gate bias). */
    static boolean[] decayMask(Parameters params, boolean all) {
        boolean[] mask = new boolean[Math.toIntExact(params.flat().elementCount())];
        long base = params.flat().segment().address();
        for (String name : params.names()) {
            HostTensor t = params.get(name);
            boolean normOrBias = name.endsWith(".bias") || name.endsWith("norm.weight")
                    || name.endsWith("norm_swish_gate.weight");
            assertEquals(normOrBias, t.shape().rank() == 1, name);
            int from = Math.toIntExact((t.segment().address() - base) / Float.BYTES);
            for (int i = 0; i < t.elementCount(); i++) {
                mask[from + i] = all || !normOrBias;
            }
        }
        return mask;
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.0, Double.NaN})
    void rejectsBetasOutsideTheUnitInterval(double beta) {
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Settings(beta, 0.95, 1e-8, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Settings(0.9, beta, 1e-8, 0, true));
    }
}
