/*
 * NativeDecoderTest — generation on the native layer ops (NativeOps; each decoding step runs the fused decoding
 * products, on cuda as a replayed graph): prefill-then-decode logits equal the cpu model's full forward at every
 * position, a batch of different prompt lengths with retain equals each prompt alone, the fused step equals the
 * layer-op step (logits and states; batches of 1 to 17), and greedy generation reproduces the reference's golden
 * continuation. On the cpu backend everywhere; on cuda in fp32 and bf16 where a device is present.
 * Run: ./mvnw -o -q test -Dtest=NativeDecoderTest -Dnative.asan.skip=true
 */
package io.github.gla4j.generate;

import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.model.Activations;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.NativeRuntimes;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.ops.DecodeLinear;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

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
    @EnumSource(NativeRuntimes.class)
    void theFusedStepEqualsTheLayerOpStep(NativeRuntimes runtime) {
        try (TestModels.Loaded m = TestModels.randomGqa(5);
             NativeRuntimes.Open rt = runtime.open();
             ParameterSet placed = rt.place(m.params())) {
            GlaModel model = new GlaModel(placed, rt.ops());
            int vocab = model.config().vocabSize();
            Random random = new Random(17);
            // the fused step takes up to MAX_ROWS sequences; one more runs the layer ops on both sides
            for (int batch : new int[]{1, 3, DecodeLinear.MAX_ROWS, DecodeLinear.MAX_ROWS + 1}) {
                int[][] prompts = new int[batch][];
                for (int b = 0; b < batch; b++) {
                    prompts[b] = TestModels.randomIds(random, 1 + random.nextInt(20), vocab);
                }
                int[] tokens = TestModels.randomIds(random, batch, vocab);
                try (Decoder decoder = new Decoder(model)) {
                    decoder.prefill(prompts);
                    float[][] fused = step(model, decoder.state(), tokens, true);
                    float[][] layerOps = step(model, decoder.state(), tokens, false);
                    for (int i = 0; i < fused.length; i++) {
                        double e = TestModels.relRms(fused[i], layerOps[i]);
                        assertTrue(e < runtime.logitsTolerance, runtime + ", batch " + batch + ", "
                                + (i == 0 ? "logits" : "state of layer " + (i - 1)) + ": relative RMS " + e);
                    }
                }
            }
        }
    }

    /** One step of tokens from a copy of the states: the logits, then every layer's new state. */
    private static float[][] step(GlaModel model, RecurrentState from, int[] tokens, boolean fused) {
        GlaKernels kernels = model.ops().kernels();
        try (RecurrentState s = new RecurrentState(model.ops(), model.config(), tokens.length);
             Activations a = model.newActivations(tokens.length, 1)) {
            s.copyRows(from, IntStream.range(0, tokens.length).toArray());
            model.embed(a, tokens);
            GlaModel.GlaOp op = (layer, q, k, v, g, o) ->
                    kernels.decodeStep(Options.defaults(), q, k, v, g, s.layer(layer), o);
            if (fused) {
                model.stepEmbedded(a, op);
            } else {
                model.forwardEmbedded(a, op);
            }
            float[][] out = new float[1 + s.layerCount()][];
            out[0] = ModelRuntime.toFloats(a.logits());
            for (int i = 0; i < s.layerCount(); i++) {
                out[1 + i] = s.toFloatArray(i);
            }
            return out;
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
