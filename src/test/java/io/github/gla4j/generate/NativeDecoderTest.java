/*
 * NativeDecoderTest — generation on the native layer ops (NativeOps; on cuda each decoding step is a replayed
 * graph): prefill-then-decode logits equal the cpu model's full forward at every position, a batch of different
 * prompt lengths with retain equals each prompt alone, and greedy generation reproduces the reference's golden
 * continuation. On the cpu backend everywhere; on cuda in fp32 and bf16 where a device is present.
 * Run: ./mvnw -o -q test -Dtest=NativeDecoderTest -Dnative.asan.skip=true
 */
package io.github.gla4j.generate;

import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.NativeRuntimes;
import io.github.gla4j.model.ParameterSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeDecoderTest {

    @ParameterizedTest
    @EnumSource(NativeRuntimes.class)
    void decodingMatchesTheFullForwardOfTheCpuModel(NativeRuntimes runtime) throws IOException {
        try (TestModels.Loaded m = TestModels.randomGqa(3);
             NativeRuntimes.Open rt = runtime.open();
             ParameterSet placed = rt.place(m.params())) {
            GlaModel model = new GlaModel(placed, rt.ops());
            int vocab = m.model().config().vocabSize();
            int[] ids = TestModels.randomIds(new Random(11), 90, vocab);
            float[][] full = TestModels.fullForward(m.model(), ids);
            double worst = 0;
            try (Decoder decoder = new Decoder(model, 32)) {
                float[] logits = decoder.prefill(new int[][]{Arrays.copyOf(ids, 40)})[0];
                worst = Math.max(worst, TestModels.relRms(logits, full[39]));
                for (int t = 40; t < ids.length; t++) {
                    logits = decoder.step(new int[]{ids[t]})[0];
                    worst = Math.max(worst, TestModels.relRms(logits, full[t]));
                }
            }
            System.out.printf("%s: prefill + decode vs the cpu full forward, worst relative RMS %.2e%n", runtime,
                    worst);
            // the random model rounds worse in bf16 than the golden one (see NativeModelTest): twice the tolerance
            double tolerance = (runtime.bf16() ? 2 : 1) * runtime.logitsTolerance;
            assertTrue(worst < tolerance, "worst relative RMS " + worst);

            // a batch of three prompt lengths, one sequence dropped halfway: each row as if alone
            int[][] prompts = {Arrays.copyOf(ids, 5), Arrays.copyOfRange(ids, 10, 80), Arrays.copyOfRange(ids, 3, 4)};
            float[][] alone = new float[prompts.length][];
            for (int b = 0; b < prompts.length; b++) {
                try (Decoder one = new Decoder(model)) {
                    one.prefill(new int[][]{prompts[b]});
                    one.step(new int[]{1});
                    alone[b] = one.step(new int[]{2})[0];
                }
            }
            try (Decoder batch = new Decoder(model)) {
                batch.prefill(prompts);
                batch.step(new int[]{1, 1, 1});
                batch.retain(2, 0);
                float[][] rows = batch.step(new int[]{2, 2});
                assertTrue(TestModels.relRms(rows[0], alone[2]) < tolerance, "row of prompt 2");
                assertTrue(TestModels.relRms(rows[1], alone[0]) < tolerance, "row of prompt 0");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = NativeRuntimes.class, names = {"CPU", "CUDA_FP32"})
    void greedyGenerationReproducesTheGoldenContinuation(NativeRuntimes runtime) throws IOException {
        int[] prompt = TestModels.goldenIds("generate_prompt");
        int[] expected = TestModels.goldenIds("generate_greedy_nocache");
        try (TestModels.Loaded m = TestModels.tinyPublic();
             NativeRuntimes.Open rt = runtime.open();
             ParameterSet placed = rt.place(m.params())) {
            Generator generator = new Generator(new GlaModel(placed, rt.ops()));
            Generation g = generator.generate(prompt, GenerationConfig.greedy(expected.length));
            assertArrayEquals(expected, g.tokens(), "greedy tokens on " + runtime);
        }
    }
}
