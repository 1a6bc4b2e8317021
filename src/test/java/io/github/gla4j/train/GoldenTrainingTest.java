/*
 * GoldenTrainingTest — the reference implementation's 5 AdamW losses on tiny-public (lr 1e-3, betas 0.9/0.95, eps
 * 1e-8, weight decay 0.1 on every parameter, constant schedule, no warm-up, no clipping, the fixed batch), reproduced
 * in fp32 on the cpu within 1e-5 relative: through the Trainer, and through `gla train --input-ids`.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.train.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.train;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.ops.CpuOps;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldenTrainingTest {

    static final AdamW.Settings REFERENCE = new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, true);

    @Test
    void reproducesTheReferenceAdamWLosses() throws IOException {
        float[] expected = Golden.adamwLosses();
        FixedBatch batch = FixedBatch.read(Golden.file());
        LearningRateSchedule constant = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 1e-3, 1e-3, 0,
                expected.length);
        try (Arena arena = Arena.ofConfined();
             NativeKernels kernels = Kernels.cpu();
             Parameters params = Parameters.load(Checkpoint.open(Golden.model(), arena));
             AdamW adamw = new AdamW(REFERENCE, params.config());
             Trainer trainer = new Trainer(params, new CpuOps(kernels), adamw, constant, 0, 1, batch)) {
            double worst = 0;
            for (int s = 0; s < expected.length; s++) {
                double loss = trainer.step(s).loss();
                double error = Math.abs(loss - expected[s]) / expected[s];
                worst = Math.max(worst, error);
                System.out.printf("AdamW step %d: loss %.8f, reference %.8f, relative error %.2e%n", s + 1, loss,
                        expected[s], error);
            }
            assertTrue(worst < 1e-5, "worst relative error " + worst);
        }
    }
}
