/*
 * TestModels.java — small GLA models for the model tests: a config builder at test sizes and parameters drawn with
 * enough spread (weights N(0, 0.2), norm weights 1 ± 0.3, biases N(0, 0.5)) that every nonlinearity is exercised.
 */
package io.github.gla4j.model;

import java.util.Random;

final class TestModels {

    private TestModels() {
    }

    /** d 16, 2 layers, MLP 24, vocab 19; heads and the rest from the caller. */
    static GlaConfig.Builder small(int heads) {
        return GlaConfig.builder().hiddenSize(16).numHiddenLayers(2).numHeads(heads).intermediateSize(24)
                .vocabSize(19);
    }

    static Parameters randomParameters(GlaConfig config, long seed) {
        Parameters p = Parameters.zeros(config);
        Random random = new Random(seed);
        for (String name : p.names()) {
            var view = p.get(name);
            float[] values = new float[Math.toIntExact(view.elementCount())];
            boolean bias = name.endsWith(".bias"), norm = !bias && view.shape().rank() == 1;
            for (int i = 0; i < values.length; i++) {
                double z = random.nextGaussian();
                values[i] = (float) (norm ? 1 + 0.3 * z : bias ? 0.5 * z : 0.2 * z);
            }
            view.copyFrom(values);
        }
        return p;
    }

    static int[] randomIds(Random random, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(vocab);
        }
        return ids;
    }
}
