/*
 * NativeTrainingTest — training on the native layer ops (NativeOps, DeviceParameters, AdamW and clipping on the
 * device): the reference's 5 AdamW losses of tiny-public on every native runtime (the cpu backend everywhere, cuda
 * fp32 and bf16 where a device is present), a clipped, accumulated fp32 run that must follow the Java cpu trainer
 * step by step, and a whole `gla train` run on the native path that resumes bit-exactly.
 * Run: ./mvnw -o -q test -Dtest=NativeTrainingTest -Dnative.asan.skip=true
 */
package io.github.gla4j.train;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.NativeRuntimes;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.ops.CpuOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeTrainingTest {

    @ParameterizedTest
    @EnumSource(NativeRuntimes.class)
    void reproducesTheReferenceAdamWLosses(NativeRuntimes runtime) throws IOException {
        float[] expected = Golden.adamwLosses();
        FixedBatch batch = FixedBatch.read(Golden.file());
        LearningRateSchedule constant = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 1e-3, 1e-3, 0,
                expected.length);
        try (Arena arena = Arena.ofConfined();
             NativeRuntimes.Open rt = runtime.open();
             Parameters params = Parameters.load(Checkpoint.open(Golden.model(), arena));
             ParameterSet placed = rt.place(params);
             AdamW adamw = new AdamW(GoldenTrainingTest.REFERENCE, params.config());
             Trainer trainer = new Trainer(placed, rt.ops(), adamw, constant, 0, 1, batch)) {
            double worst = 0;
            for (int s = 0; s < expected.length; s++) {
                double loss = trainer.step(s).loss();
                worst = Math.max(worst, Math.abs(loss - expected[s]) / expected[s]);
            }
            System.out.printf("AdamW losses on %s: worst relative error %.2e%n", runtime, worst);
            assertTrue(worst < runtime.logitsTolerance, "worst relative error " + worst);
        }
    }

    /**
     * fp32 only: AdamW normalises each update, so the bf16 rounding of tiny gradients turns into weight differences of
     * order lr within a few steps and the trajectories part (bf16 training is held to the golden losses above).
     */
    @ParameterizedTest
    @EnumSource(value = NativeRuntimes.class, names = {"CPU", "CUDA_FP32"})
    void followsTheCpuTrainerWithClippingAccumulationAndCheckpointSync(NativeRuntimes runtime) {
        GlaConfig config = GlaConfig.builder().hiddenSize(32).numHiddenLayers(2).numHeads(2).vocabSize(40)
                .intermediateSize(24).build();
        AdamW.Settings settings = new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, false);
        LearningRateSchedule cosine = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 3e-3, 3e-4, 2, 6);
        Mqar data = new Mqar(new Mqar.Settings(40, 4, 32, 2), 7, Mqar.TRAIN_STREAM);
        try (NativeKernels cpu = Kernels.cpu();
             NativeRuntimes.Open rt = runtime.open();
             Parameters expectedParams = Parameters.initialized(config, 3);
             Parameters params = Parameters.initialized(config, 3);
             ParameterSet placed = rt.place(params);
             AdamW expectedAdamW = new AdamW(settings, config);
             AdamW adamw = new AdamW(settings, config);
             Trainer expected = new Trainer(expectedParams, new CpuOps(cpu), expectedAdamW, cosine, 0.5, 2, data);
             Trainer actual = new Trainer(placed, rt.ops(), adamw, cosine, 0.5, 2, data)) {
            for (int s = 0; s < 6; s++) {
                Trainer.Step e = expected.step(s), a = actual.step(s);
                System.out.printf("%s step %d: loss %.6f vs %.6f, grad norm %.6f vs %.6f%n", runtime, s, a.loss(),
                        e.loss(), a.gradNorm(), e.gradNorm());
                assertTrue(Math.abs(a.loss() - e.loss()) <= runtime.logitsTolerance * e.loss(), "loss at " + s);
                assertTrue(Math.abs(a.gradNorm() - e.gradNorm()) <= runtime.gradientTolerance * e.gradNorm(),
                        "gradient norm at " + s);
            }
            Trainer.Evaluation e = expected.evaluate(java.util.List.of(data.batch(100), data.batch(101)));
            Trainer.Evaluation a = actual.evaluate(java.util.List.of(data.batch(100), data.batch(101)));
            System.out.printf("%s evaluation: loss %.6f vs %.6f, accuracy %.4f vs %.4f%n", runtime, a.loss(), e.loss(),
                    a.accuracy(), e.accuracy());
            assertTrue(Math.abs(a.loss() - e.loss()) <= runtime.logitsTolerance * e.loss(), "evaluation loss");
            ModelRuntime.copyToHost(placed, params);
            adamw.syncToHost();
            double weights = relRms(params.flat().toFloatArray(), expectedParams.flat().toFloatArray());
            double moments = relRms(adamw.expAvgSq().flat().toFloatArray(),
                    expectedAdamW.expAvgSq().flat().toFloatArray());
            System.out.printf("%s after 6 steps: weights %.2e, second moments %.2e%n", runtime, weights, moments);
            assertTrue(weights < runtime.gradientTolerance, "weights " + weights);
            assertTrue(moments < 10 * runtime.gradientTolerance, "second moments " + moments);
        }
    }

    /**
     * `gla train --device cpu --dtype bf16` runs the same code as on cuda (NativeOps, DeviceParameters, AdamW and
     * clipping in the library, validation and checkpoints through downloads): a run killed after its second
     * checkpoint and resumed ends with the same losses, evaluations and weights, bit for bit, as one that ran through.
     */
    @Test
    void aNativeRunResumesBitExactly(@TempDir Path dir) throws IOException {
        TrainOptions options = TestRuns.mqar(12, 4, 3e-3);
        Path whole = dir.resolve("whole"), resumed = dir.resolve("resumed");
        TestRuns.Recorder expected = new TestRuns.Recorder();
        new TrainingRun(options, whole, false, null, expected).on("cpu", "bf16").run();
        assertThrows(TestRuns.Killed.class, () -> new TrainingRun(options, resumed, false, null,
                new TestRuns.Recorder(8)).on("cpu", "bf16").run());
        TestRuns.Recorder actual = new TestRuns.Recorder();
        new TrainingRun(options, resumed, true, null, actual).on("cpu", "bf16").run();
        assertEquals(8, actual.startStep);
        for (int i = 0; i < actual.steps.size(); i++) {
            assertEquals(expected.steps.get(8 + i).loss(), actual.steps.get(i).loss(), 0, "loss of step " + (9 + i));
        }
        assertEquals(expected.evaluations.getLast(), actual.evaluations.getLast());
        assertArrayEquals(Files.readAllBytes(whole.resolve(Checkpoint.WEIGHTS_FILE)),
                Files.readAllBytes(resumed.resolve(Checkpoint.WEIGHTS_FILE)), "final weights");
    }

    private static double relRms(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (double) (a[i] - b[i]) * (a[i] - b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }
}
