/*
 * GlaModelTest: the model's behaviour beyond the numbers of one batch: chunk and recurrent kernels agree across
 * several chunks (and the native kernels agree with the double-precision reference kernels), AUTO switches form at
 * 64 tokens as the reference does, gradients accumulate over backward calls, the padding row gets no gradient from
 * the lookup, all-ignored labels, and the misuse that must be refused.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model;

import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.model.ops.CpuOps;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlaModelTest {

    /** Logits, loss and all gradients of one forward + backward. */
    private record Run(float[] logits, double loss, float[] grads) {
    }

    private static Run run(GlaKernels kernels, Parameters params, AttentionMode mode, int batch, int seqLen,
                           int[] ids) {
        return run(kernels, params, mode, batch, seqLen, ids, Activations.Recompute.PRODUCTS);
    }

    private static Run run(GlaKernels kernels, Parameters params, AttentionMode mode, int batch, int seqLen,
                           int[] ids, Activations.Recompute recompute) {
        GlaModel model = new GlaModel(params, new CpuOps(kernels), mode);
        try (Parameters grads = Parameters.zeros(params.config());
             Activations acts = model.newActivations(batch, seqLen, recompute)) {
            double loss = model.forward(acts, ids, ids);
            float[] logits = ((HostTensor) acts.logits()).toFloatArray();
            model.backward(acts, grads);
            return new Run(logits, loss, grads.flat().toFloatArray());
        }
    }

    private static GlaConfig gqaConfig() {
        return GlaConfig.builder().hiddenSize(48).numHiddenLayers(2).numHeads(4).numKvHeads(2).vocabSize(50)
                .intermediateSize(40).build();
    }

    /** Keeping the products' outputs (Recompute.ELEMENTWISE) changes no bit, in either kernel form. */
    @Test
    void recomputingLessGivesTheSameBits() {
        GlaConfig config = gqaConfig();
        int[] ids = TestModels.randomIds(new Random(8), 2 * 33, config.vocabSize());
        try (GlaKernels cpu = Kernels.cpu(); Parameters params = TestModels.randomParameters(config, 8)) {
            for (AttentionMode mode : AttentionMode.values()) {
                Run products = run(cpu, params, mode, 2, 33, ids, Activations.Recompute.PRODUCTS);
                Run elementwise = run(cpu, params, mode, 2, 33, ids, Activations.Recompute.ELEMENTWISE);
                assertArrayEquals(products.logits, elementwise.logits, mode.toString());
                assertEquals(products.loss, elementwise.loss, mode.toString());
                assertArrayEquals(products.grads, elementwise.grads, mode.toString());
            }
        }
    }

    @Test
    void chunkAndRecurrentAgreeAcrossChunks() {
        GlaConfig config = gqaConfig();
        int batch = 2, seqLen = 150;
        int[] ids = TestModels.randomIds(new Random(1), batch * seqLen, config.vocabSize());
        try (GlaKernels cpu = Kernels.cpu(); GlaKernels reference = Kernels.reference();
             Parameters params = TestModels.randomParameters(config, 2)) {
            Run chunk = run(cpu, params, AttentionMode.CHUNK, batch, seqLen, ids);
            Run recurrent = run(cpu, params, AttentionMode.RECURRENT, batch, seqLen, ids);
            Run oracle = run(reference, params, AttentionMode.CHUNK, batch, seqLen, ids);
            for (Run r : new Run[]{chunk, recurrent}) {
                assertTrue(Errors.relRms(r.logits, oracle.logits) < 1e-5, "logits " + Errors.relRms(r.logits,
                        oracle.logits));
                assertEquals(oracle.loss, r.loss, 1e-5 * oracle.loss);
                assertTrue(Errors.relRms(r.grads, oracle.grads) < 1e-5, "gradients " + Errors.relRms(r.grads,
                        oracle.grads));
            }
            assertTrue(Errors.relRms(chunk.grads, recurrent.grads) < 1e-5);
        }
    }

    @Test
    void autoIsRecurrentUpTo64TokensAndChunkAbove() {
        GlaConfig config = TestModels.small(2).build();
        try (GlaKernels cpu = Kernels.cpu(); Parameters params = TestModels.randomParameters(config, 3)) {
            for (int seqLen : new int[]{64, 65}) {
                int[] ids = TestModels.randomIds(new Random(seqLen), seqLen, config.vocabSize());
                Run auto = run(cpu, params, AttentionMode.AUTO, 1, seqLen, ids);
                Run expected = run(cpu, params, seqLen <= 64 ? AttentionMode.RECURRENT : AttentionMode.CHUNK, 1,
                        seqLen, ids);
                assertArrayEquals(expected.logits, auto.logits, "T = " + seqLen);
                assertArrayEquals(expected.grads, auto.grads, "T = " + seqLen);
            }
        }
    }

    @Test
    void gradientsAccumulateOverBackwardCalls() {
        GlaConfig config = TestModels.small(2).build();
        int[] ids = TestModels.randomIds(new Random(4), 2 * 9, config.vocabSize());
        try (GlaKernels cpu = Kernels.cpu(); Parameters params = TestModels.randomParameters(config, 4);
             Parameters grads = Parameters.zeros(config)) {
            GlaModel model = new GlaModel(params, new CpuOps(cpu));
            try (Activations acts = model.newActivations(2, 9)) {
                model.forward(acts, ids, ids);
                model.backward(acts, grads);
                float[] once = grads.flat().toFloatArray();
                model.forward(acts, ids, ids);
                model.backward(acts, grads);
                float[] twice = grads.flat().toFloatArray();
                for (int i = 0; i < once.length; i++) {
                    assertEquals(2 * once[i], twice[i], 1e-6 * Math.abs(once[i]) + 1e-12, "element " + i);
                }
            }
        }
    }

    @Test
    void paddingRowGetsNoGradientFromTheLookup() {
        GlaConfig config = TestModels.small(2).padTokenId(4).build();
        int[] ids = TestModels.randomIds(new Random(5), 2 * 8, config.vocabSize());
        ids[0] = 4;
        ids[11] = 4;
        try (GlaKernels cpu = Kernels.cpu(); Parameters params = TestModels.randomParameters(config, 5);
             Parameters grads = Parameters.zeros(config)) {
            GlaModel model = new GlaModel(params, new CpuOps(cpu));
            try (Activations acts = model.newActivations(2, 8)) {
                model.forward(acts, ids, ids);
                model.backward(acts, grads);
            }
            HostTensor emb = grads.get("model.embeddings.weight");
            int d = config.hiddenSize();
            for (int c = 0; c < d; c++) {
                assertEquals(0f, emb.get(4L * d + c), "padding row, column " + c);
            }
            assertTrue(emb.get((long) ids[1] * d) != 0f, "other rows do get gradients");
        }
    }

    @Test
    void allLabelsIgnoredGivesNanLossAndZeroGradients() {
        GlaConfig config = TestModels.small(2).build();
        int[] ids = TestModels.randomIds(new Random(6), 6, config.vocabSize());
        int[] labels = new int[6];
        java.util.Arrays.fill(labels, -100);
        try (GlaKernels cpu = Kernels.cpu(); Parameters params = TestModels.randomParameters(config, 6);
             Parameters grads = Parameters.zeros(config)) {
            GlaModel model = new GlaModel(params, new CpuOps(cpu));
            try (Activations acts = model.newActivations(1, 6)) {
                assertTrue(Double.isNaN(model.forward(acts, ids, labels)));
                model.backward(acts, grads);
            }
            for (float g : grads.flat().toFloatArray()) {
                assertEquals(0f, g);
            }
        }
    }

    @Test
    void refusesMisuse() {
        GlaConfig config = TestModels.small(2).build();
        try (GlaKernels cpu = Kernels.cpu(); Parameters params = TestModels.randomParameters(config, 7);
             Parameters grads = Parameters.zeros(config);
             Parameters otherGrads = Parameters.zeros(TestModels.small(2).tieWordEmbeddings(true).build())) {
            GlaModel model = new GlaModel(params, new CpuOps(cpu));
            try (Activations acts = model.newActivations(2, 3)) {
                int[] ids = {1, 2, 3, 4, 5, 6};
                assertThrows(IllegalArgumentException.class, () -> model.forward(acts, new int[5], null));
                assertThrows(IllegalArgumentException.class, () -> model.forward(acts, ids, new int[7]));
                assertThrows(IllegalArgumentException.class,
                        () -> model.forward(acts, new int[]{1, 2, 3, 4, 5, 19}, null));
                assertThrows(IllegalStateException.class, () -> acts.logits(), "no forward yet");
                model.forward(acts, ids, null);
                acts.logits();
                assertThrows(IllegalStateException.class, () -> model.backward(acts, grads), "no labels");
                model.forward(acts, ids, ids);
                assertThrows(IllegalArgumentException.class, () -> model.backward(acts, otherGrads));
                model.backward(acts, grads);
                assertThrows(IllegalStateException.class, () -> model.backward(acts, grads), "twice");
                assertThrows(IllegalStateException.class, () -> acts.logits(), "replaced by their gradient");
            }
            assertThrows(IllegalArgumentException.class, () -> model.newActivations(0, 5));
        }
    }
}
