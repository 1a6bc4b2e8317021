/*
 * DecoderTest: prefill (chunk kernel, varlen, in windows) + recurrent decoding against full forward passes, on the
 * reference's tiny-public model and a random GQA model, fp32:
 *   - logits after prefill-then-decode equal the full forward's at every position (several split points, windows)
 *   - the state after a T-token prefill equals the state after T single steps
 *   - a batch of prompts of different lengths equals each prompt alone; retain and feed keep the right sequences
 *   - misuse is an exception naming the problem
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.generate.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.generate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static io.github.gla4j.generate.TestModels.relRms;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoderTest {

    static final double TOLERANCE = 1e-5;

    static TestModels.Loaded model(String name) throws IOException {
        return name.equals("tiny-public") ? TestModels.tinyPublic() : TestModels.randomGqa(3);
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        double e = relRms(actual, expected);
        assertTrue(e <= TOLERANCE, what + ": relative RMS error " + e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-public", "random-gqa"})
    void prefillThenDecodeLogitsEqualFullForwardAtEveryPosition(String name) throws IOException {
        try (TestModels.Loaded m = model(name)) {
            int vocab = m.model().config().vocabSize();
            int[] ids = TestModels.randomIds(new Random(11), 100, vocab);
            float[][] full = TestModels.fullForward(m.model(), ids);
            // split points: one token, within the first chunk, at and after a chunk boundary, the whole sequence;
            // window 16 makes the prefill run in several passes that carry the state
            int[][] cases = {{1, 512}, {37, 512}, {64, 512}, {65, 16}, {100, 512}, {100, 16}};
            double worst = 0;
            for (int[] c : cases) {
                int split = c[0];
                try (Decoder decoder = new Decoder(m.model(), c[1])) {
                    float[] logits = decoder.prefill(new int[][]{Arrays.copyOf(ids, split)})[0];
                    assertClose(logits, full[split - 1], name + " prefill " + split + " (window " + c[1] + ")");
                    worst = Math.max(worst, relRms(logits, full[split - 1]));
                    for (int t = split; t < ids.length; t++) {
                        logits = decoder.step(new int[]{ids[t]})[0];
                        assertClose(logits, full[t], name + " split " + split + ", step at position " + t);
                        worst = Math.max(worst, relRms(logits, full[t]));
                    }
                }
            }
            System.out.printf("%s: prefill + decode vs full forward, worst relative RMS %.2e%n", name, worst);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-public", "random-gqa"})
    void stateAfterPrefillEqualsSingleSteps(String name) throws IOException {
        try (TestModels.Loaded m = model(name)) {
            int[] ids = TestModels.randomIds(new Random(5), 100, m.model().config().vocabSize());
            try (Decoder whole = new Decoder(m.model()); Decoder windows = new Decoder(m.model(), 40);
                 Decoder steps = new Decoder(m.model())) {
                whole.prefill(new int[][]{ids});
                windows.prefill(new int[][]{ids});
                steps.prefill(new int[][]{{ids[0]}});
                for (int t = 1; t < ids.length; t++) {
                    steps.step(new int[]{ids[t]});
                }
                RecurrentState s = steps.state();
                for (int layer = 0; layer < s.layerCount(); layer++) {
                    float[] expected = s.toFloatArray(layer);
                    assertEquals(m.model().config().numHeads() * m.model().config().headK()
                            * m.model().config().headV(), expected.length, "one [1, H, K, V] state");
                    assertClose(whole.state().toFloatArray(layer), expected, name + " layer " + layer + " prefill");
                    assertClose(windows.state().toFloatArray(layer), expected, name + " layer " + layer
                            + " prefill in windows of 40");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {48, 512})
    void batchOfDifferentLengthsEqualsOneByOne(int window) throws IOException {
        try (TestModels.Loaded m = model("random-gqa")) {
            Random random = new Random(9);
            int vocab = m.model().config().vocabSize();
            int[][] prompts = {TestModels.randomIds(random, 1, vocab), TestModels.randomIds(random, 7, vocab),
                    TestModels.randomIds(random, 130, vocab), TestModels.randomIds(random, 64, vocab)};
            int[][] next = new int[5][prompts.length];
            for (int[] row : next) {
                for (int b = 0; b < row.length; b++) {
                    row[b] = random.nextInt(vocab);
                }
            }
            float[][][] batched = new float[next.length + 1][][];
            try (Decoder decoder = new Decoder(m.model(), window)) {
                batched[0] = decoder.prefill(prompts);
                for (int s = 0; s < next.length; s++) {
                    batched[s + 1] = decoder.step(next[s]);
                }
            }
            for (int b = 0; b < prompts.length; b++) {
                try (Decoder alone = new Decoder(m.model(), window)) {
                    assertClose(batched[0][b], alone.prefill(new int[][]{prompts[b]})[0], "prefill of prompt " + b);
                    for (int s = 0; s < next.length; s++) {
                        assertClose(batched[s + 1][b], alone.step(new int[]{next[s][b]})[0],
                                "step " + s + " of prompt " + b);
                    }
                }
            }
        }
    }

    @Test
    void retainKeepsTheChosenSequencesInOrder() throws IOException {
        try (TestModels.Loaded m = model("random-gqa")) {
            int[][] prompts = {{1, 2, 3}, {4}, {5, 6, 7, 8, 9}};
            float[][] expected = new float[3][];
            for (int b = 0; b < 3; b++) {
                try (Decoder alone = new Decoder(m.model())) {
                    alone.prefill(new int[][]{prompts[b]});
                    alone.step(new int[]{10 + b});
                    expected[b] = alone.step(new int[]{20 + b})[0];
                }
            }
            try (Decoder decoder = new Decoder(m.model())) {
                decoder.prefill(prompts);
                decoder.step(new int[]{10, 11, 12});
                decoder.retain(2, 0);
                assertEquals(2, decoder.batch());
                float[][] got = decoder.step(new int[]{22, 20});
                assertClose(got[0], expected[2], "sequence 2, now row 0");
                assertClose(got[1], expected[0], "sequence 0, now row 1");
            }
        }
    }

    @Test
    void feedContinuesEachSequenceAndPassesEmptyOnesThrough() throws IOException {
        try (TestModels.Loaded m = model("tiny-public")) {
            int[] a = TestModels.randomIds(new Random(2), 90, 256), b = TestModels.randomIds(new Random(3), 20, 256);
            float[][] fullA = TestModels.fullForward(m.model(), a);
            try (Decoder decoder = new Decoder(m.model(), 32)) {
                decoder.prefill(new int[][]{Arrays.copyOf(a, 10), b});
                float[] stateB = decoder.state().toFloatArray(1);
                float[][] logits = decoder.feed(new int[][]{Arrays.copyOfRange(a, 10, 90), {}});
                assertClose(logits[0], fullA[89], "after feeding 80 more tokens");
                assertNull(logits[1], "no tokens, no logits");
                float[] stateAfter = decoder.state().toFloatArray(1);
                int half = stateB.length / 2;  // row 1 of the [2, H, K, V] state
                assertArrayEquals(Arrays.copyOfRange(stateB, half, stateB.length),
                        Arrays.copyOfRange(stateAfter, half, stateAfter.length), "an empty feed keeps the state");
            }
        }
    }

    @Test
    void misuseIsRejectedWithAMessage() throws IOException {
        try (TestModels.Loaded m = model("tiny-public"); Decoder decoder = new Decoder(m.model())) {
            assertTrue(assertThrows(IllegalStateException.class, () -> decoder.step(new int[]{1})).getMessage()
                    .contains("prefill first"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> decoder.prefill(new int[][]{{1}, {}}))
                    .getMessage().contains("prompt 1 is empty"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> decoder.prefill(new int[][]{{256}}))
                    .getMessage().contains("token id 256"));
            decoder.prefill(new int[][]{{1, 2}, {3}});
            assertThrows(IllegalArgumentException.class, () -> decoder.step(new int[]{1}));
            assertThrows(IllegalArgumentException.class, () -> decoder.step(new int[]{1, -1}));
            assertThrows(IllegalArgumentException.class, () -> decoder.retain(0, 0));
            assertThrows(IllegalArgumentException.class, () -> decoder.retain(2));
            assertThrows(IllegalArgumentException.class, () -> new Decoder(m.model(), 0));
        }
    }
}
