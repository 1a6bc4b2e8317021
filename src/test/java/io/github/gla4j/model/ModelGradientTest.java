/*
 * ModelGradientTest: GlaModel's fp32 gradients of every parameter of every layer against central finite differences,
 * in double, of ReferenceModel's loss (an independent double-precision forward), on small models: multi-head and
 * grouped-query attention (4 → 2 and 4 → 1 kv heads), tied and untied embeddings, clamp_min, a padding token, both
 * kernel forms, labels with ignored (−100) positions. Also the logits and loss against the double forward.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.model.ops.CpuOps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelGradientTest {

    private static final int BATCH = 2, SEQ_LEN = 7;
    /**
     * fp32 gradients against exact (double) ones: relative RMS per parameter. Measured: ≤ 5e-6 with the parameters of
     * TestModels. (With weights 1.5× as spread (N(0, 0.3)), one draw reached 2e-4 with the double-precision reference GLA kernels
     * too: the fp32 forward's rounding, amplified by a badly conditioned draw, not an error of the backward.)
     */
    private static final double GRADIENT_TOLERANCE = 1e-4;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("4 heads, recurrent", TestModels.small(4).build(), AttentionMode.RECURRENT),
                Arguments.of("4 heads, chunk", TestModels.small(4).build(), AttentionMode.CHUNK),
                Arguments.of("tied embeddings", TestModels.small(2).tieWordEmbeddings(true).build(),
                        AttentionMode.CHUNK),
                Arguments.of("GQA 4 → 2", TestModels.small(4).numKvHeads(2).build(), AttentionMode.CHUNK),
                Arguments.of("GQA 4 → 1, clamp_min", TestModels.small(4).numKvHeads(1).clampMin(-0.05).build(),
                        AttentionMode.RECURRENT),
                Arguments.of("padding token, tied", TestModels.small(2).tieWordEmbeddings(true).padTokenId(3).build(),
                        AttentionMode.RECURRENT),
                Arguments.of("padding token, untied", TestModels.small(2).padTokenId(5).build(),
                        AttentionMode.CHUNK));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(String label, GlaConfig config, AttentionMode mode) {
        Random random = new Random(label.hashCode());
        int[] ids = TestModels.randomIds(random, BATCH * SEQ_LEN, config.vocabSize());
        int pad = config.padTokenId().orElse(-1);
        if (pad >= 0) {
            ids[2] = pad;
            ids[SEQ_LEN + 4] = pad;
        }
        int[] labels = ids.clone();
        labels[3] = -100;
        labels[SEQ_LEN + 1] = -100;
        try (NativeKernels kernels = Kernels.cpu();
             Parameters params = TestModels.randomParameters(config, label.hashCode());
             Parameters grads = Parameters.zeros(config)) {
            GlaModel model = new GlaModel(params, new CpuOps(kernels), mode);
            Map<String, double[]> values = ReferenceModel.valuesOf(params);
            ReferenceModel reference = new ReferenceModel(config, values);
            try (Activations acts = model.newActivations(BATCH, SEQ_LEN)) {
                double loss = model.forward(acts, ids, labels);
                double expectedLoss = reference.loss(ids, labels, BATCH, SEQ_LEN);
                assertEquals(expectedLoss, loss, 1e-5 * expectedLoss, "loss");
                double logitsError = Errors.relRms(toDoubles(((HostTensor) acts.logits()).toFloatArray()),
                        reference.logits(ids, BATCH, SEQ_LEN));
                assertTrue(logitsError < 1e-5, "logits relative RMS error " + logitsError);
                model.backward(acts, grads);
            }
            double worst = 0;
            for (String name : params.names()) {
                double[] expected = exactGradient(config, values, name, ids, labels);
                double error = Errors.relRms(toDoubles(grads.get(name).toFloatArray()), expected);
                worst = Math.max(worst, error);
                assertTrue(error < GRADIENT_TOLERANCE, label + ": " + name + " relative RMS error " + error);
            }
            System.out.printf("%-24s loss and every gradient vs finite differences: worst %.2e%n", label, worst);
        }
    }

    /**
     * d loss / d name by central differences of the double forward. The embedding matrix is used twice when tied
     * (lookup and head) and the lookup gives its padding row no gradient, as the reference's padding_idx does: so
     * the two uses are differentiated separately and the padding row of the lookup part is dropped.
     */
    private static double[] exactGradient(GlaConfig config, Map<String, double[]> values, String name, int[] ids,
                                          int[] labels) {
        Map<String, double[]> probe = new HashMap<>(values);
        boolean embeddings = name.equals("model.embeddings.weight");
        if (embeddings && config.tieWordEmbeddings()) {
            probe.put("lm_head.weight", values.get(name).clone());
        }
        double[] grad = differences(config, probe, name, ids, labels);
        if (embeddings) {
            int pad = config.padTokenId().orElse(-1), d = config.hiddenSize();
            if (pad >= 0) {
                java.util.Arrays.fill(grad, pad * d, (pad + 1) * d, 0);
            }
            if (config.tieWordEmbeddings()) {
                double[] head = differences(config, probe, "lm_head.weight", ids, labels);
                for (int i = 0; i < grad.length; i++) {
                    grad[i] += head[i];
                }
            }
        }
        return grad;
    }

    private static double[] differences(GlaConfig config, Map<String, double[]> probe, String name, int[] ids,
                                        int[] labels) {
        double[] x = probe.get(name).clone();
        probe.put(name, x);
        ReferenceModel model = new ReferenceModel(config, probe);
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i], h = 1e-5 * Math.max(1, Math.abs(saved));
            x[i] = saved + h;
            double up = model.loss(ids, labels, BATCH, SEQ_LEN);
            x[i] = saved - h;
            double down = model.loss(ids, labels, BATCH, SEQ_LEN);
            x[i] = saved;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
