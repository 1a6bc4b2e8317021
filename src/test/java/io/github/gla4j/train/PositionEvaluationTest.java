/*
 * PositionEvaluationTest — gla eval's numbers: the mean loss over all windows equals the model's own loss on the
 * same windows, the buckets partition the predictions by position, and too short a text is reported.
 */
package io.github.gla4j.train;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.model.Activations;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.ops.CpuOps;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PositionEvaluationTest {

    @Test
    void meanLossAndBuckets() {
        GlaConfig config = GlaConfig.preset("tiny").toBuilder().vocabSize(50).build();
        int seqLen = 20, windows = 5;
        int[] tokens = new int[windows * seqLen + 7];  // a tail shorter than a window is left out
        Random random = new Random(4);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(50);
        }
        try (NativeKernels kernels = Kernels.cpu(); Parameters params = Parameters.initialized(config, 3)) {
            GlaModel model = new GlaModel(params, new CpuOps(kernels));
            PositionEvaluation.Result r = PositionEvaluation.run(model, tokens, seqLen, 2, 6, null);
            assertEquals(windows, r.windows());
            assertEquals(windows * (seqLen - 1), r.targets());
            assertEquals(4, r.buckets().size());   // positions 0-5, 6-11, 12-17, 18
            assertEquals(18, r.buckets().get(3).from());
            assertEquals(19, r.buckets().get(3).to());
            assertEquals(windows, r.buckets().get(3).targets());
            assertEquals(windows * 6, r.buckets().getFirst().targets());

            int[] ids = java.util.Arrays.copyOf(tokens, windows * seqLen);
            try (Activations acts = model.newActivations(windows, seqLen)) {
                double loss = model.forward(acts, ids, ids);
                assertEquals(loss, r.loss(), 1e-5 * loss);
            }
            assertThrows(IllegalArgumentException.class, () -> PositionEvaluation.run(model, new int[10], 20, 1, 1,
                    null));
        }
    }
}
