/*
 * MqarTrainingTest — a tiny GLA (the tiny preset: d 64, 2 layers, 4 heads; 136,608 parameters) learns multi-query
 * associative recall on the cpu: 4 key-value pairs in sequences of 16 tokens over a vocabulary of 16, batches of
 * 16, AdamW lr 1e-3 (cosine over 1500 steps, 75 warm-up), seed 1. Before it learns, a model can only guess among
 * the 4 values in the context (25%); the test trains until the validation accuracy is ≥ 95% and requires that to
 * happen within 1500 steps. Measured: 99% after 300 steps (26 s on 2 busy cores).
 *
 * Without short convolutions GLA learns MQAR after a plateau whose length depends on the seed (with 600 steps,
 * seeds 1-4 reached 100%, 90%, 53% and 47%); the run is deterministic, so this seed's result is exact on any
 * thread count, but a change to the model's numerics could move the plateau: hence the margin of the cap.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.train.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.train;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.ops.CpuOps;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MqarTrainingTest {

    static final int VOCAB = 16, PAIRS = 4, SEQ_LEN = 16, BATCH = 16, MAX_STEPS = 1500, EVAL_EVERY = 50;
    static final double TARGET = 0.95;

    @Test
    void aTinyGlaLearnsMultiQueryAssociativeRecall() {
        long seed = 1;
        GlaConfig config = GlaConfig.preset("tiny").toBuilder().vocabSize(VOCAB).build();
        Mqar.Settings task = new Mqar.Settings(VOCAB, PAIRS, SEQ_LEN, BATCH);
        Mqar validationTask = new Mqar(task, seed, Mqar.VALIDATION_STREAM);
        List<Batch> validation = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            validation.add(validationTask.batch(i));
        }
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 1e-3, 1e-4,
                MAX_STEPS / 20, MAX_STEPS);
        long start = System.nanoTime();
        try (NativeKernels kernels = Kernels.cpu();
             Parameters params = Parameters.initialized(config, seed);
             AdamW adamw = new AdamW(new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, true), config);
             Trainer trainer = new Trainer(params, new CpuOps(kernels), adamw, schedule, 1.0, 1,
                     new Mqar(task, seed, Mqar.TRAIN_STREAM))) {
            double before = trainer.evaluate(validation).accuracy();
            double accuracy = before;
            long step = 0;
            while (step < MAX_STEPS && accuracy < TARGET) {
                for (int i = 0; i < EVAL_EVERY; i++) {
                    assertTrue(trainer.step(step++).finite(), "step " + step);
                }
                Trainer.Evaluation e = trainer.evaluate(validation);
                accuracy = e.accuracy();
                System.out.printf("MQAR step %d: validation loss %.4f, accuracy %.1f%%%n", step, e.loss(),
                        100 * accuracy);
            }
            System.out.printf("MQAR: %.1f%% → %.1f%% accuracy in %d steps, %.1f s%n", 100 * before, 100 * accuracy,
                    step, (System.nanoTime() - start) / 1e9);
            assertTrue(accuracy >= TARGET, "validation accuracy " + accuracy + " after " + step + " steps");
        }
    }
}
