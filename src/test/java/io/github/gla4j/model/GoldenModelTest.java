/*
 * GoldenModelTest: the reference implementation's own numbers for its tiny model (test resources golden/tiny-public,
 * produced by fla's GLAForCausalLM in fp32): logits, loss and the gradients it saved (layer 0, embeddings, lm_head,
 * model.norm), reproduced on the cpu in fp32 with the native GLA kernels, in both kernel forms.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.model.ops.CpuOps;
import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldenModelTest {

    static Path golden() {
        return GlaConfigTest.goldenConfig().getParent();
    }

    /** Token ids of an int64 tensor. */
    static int[] ids(SafeTensor t) {
        long[] longs = t.toLongs();
        int[] ids = new int[longs.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Math.toIntExact(longs[i]);
        }
        return ids;
    }

    @ParameterizedTest
    @EnumSource(value = AttentionMode.class, names = {"CHUNK", "RECURRENT"})
    void reproducesLogitsLossAndGradients(AttentionMode mode) throws IOException {
        try (Arena arena = Arena.ofConfined();
             NativeKernels kernels = Kernels.cpu()) {
            SafeTensorsFile expected = SafeTensors.open(golden().resolve("golden.safetensors"), arena);
            SafeTensor inputIds = expected.tensor("input_ids");
            int batch = (int) inputIds.dim(0), seqLen = (int) inputIds.dim(1);
            int[] ids = ids(inputIds);
            try (Parameters params = Parameters.load(Checkpoint.open(golden(), arena));
                 Parameters grads = Parameters.zeros(params.config())) {
                GlaModel model = new GlaModel(params, new CpuOps(kernels), mode);
                try (Activations acts = model.newActivations(batch, seqLen)) {
                    double loss = model.forward(acts, ids, ids);
                    float[] logits = ((HostTensor) acts.logits()).toFloatArray();
                    double logitsError = Errors.relRms(logits, expected.tensor("logits").toFloats());
                    float expectedLoss = expected.tensor("loss").toFloats()[0];
                    System.out.printf("golden %s: logits %.2e, loss %.8f vs %.8f (%.2e)%n", mode, logitsError, loss,
                            expectedLoss, Math.abs(loss - expectedLoss) / expectedLoss);
                    assertTrue(logitsError < 1e-5, "logits relative RMS error " + logitsError);
                    assertEquals(expectedLoss, loss, 1e-5 * expectedLoss, "loss");

                    model.backward(acts, grads);
                    int checked = 0;
                    for (String name : expected.names()) {
                        if (!name.startsWith("grad.")) {
                            continue;
                        }
                        String param = name.substring("grad.".length());
                        double error = Errors.relRms(grads.get(param).toFloatArray(),
                                expected.tensor(name).toFloats());
                        System.out.printf("  %-50s %.2e%n", name, error);
                        assertTrue(error < 1e-4, name + " relative RMS error " + error);
                        checked++;
                    }
                    assertEquals(17, checked, "gradients in the golden file (layer 0: 14, embeddings, lm_head, model.norm)");
                }
            }
        }
    }
}
