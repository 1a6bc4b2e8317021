/*
 * GeneratorTest: whole generation runs. Greedy tokens of the reference's tiny-public model equal its golden
 * continuation (each of its tokens chosen by a full forward pass), alone and inside a batch of other prompt lengths;
 * batched runs (greedy and seeded sampling) equal one-by-one runs; a seed reproduces a sampled run; stop tokens,
 * max tokens, the streaming callback and cancellation (before the start, from the callback) behave as documented.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.generate.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.generate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {

    static TestModels.Loaded tiny;
    static Generator generator;
    static int[] goldenPrompt, goldenGreedy;

    @BeforeAll
    static void load() throws IOException {
        tiny = TestModels.tinyPublic();
        generator = new Generator(tiny.model());
        goldenPrompt = TestModels.goldenIds("generate_prompt");
        goldenGreedy = TestModels.goldenIds("generate_greedy_nocache");
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    static List<Generation> run(List<int[]> prompts, GenerationConfig config) {
        return generator.generate(prompts, config, TokenListener.NONE, () -> false);
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 16})
    void greedyTokensEqualTheReferenceContinuation(int prefillChunk) {
        Generation g = generator.generate(goldenPrompt,
                GenerationConfig.greedy(goldenGreedy.length).withPrefillChunk(prefillChunk));
        assertArrayEquals(goldenGreedy, g.tokens(), "greedy continuation of the golden prompt");
        assertEquals(Generation.FinishReason.LENGTH, g.finishReason());
        assertEquals(Generation.NO_STOP_TOKEN, g.stopToken());
    }

    @Test
    void greedyInABatchOfDifferentLengthsEqualsOneByOne() {
        Random random = new Random(4);
        List<int[]> prompts = List.of(TestModels.randomIds(random, 5, 256), goldenPrompt,
                TestModels.randomIds(random, 1, 256), TestModels.randomIds(random, 100, 256));
        GenerationConfig config = GenerationConfig.greedy(goldenGreedy.length);
        List<Generation> batch = run(prompts, config);
        assertArrayEquals(goldenGreedy, batch.get(1).tokens(), "the golden prompt inside a batch");
        for (int b = 0; b < prompts.size(); b++) {
            assertEquals(generator.generate(prompts.get(b), config), batch.get(b), "prompt " + b);
        }
    }

    @Test
    void seededSamplingIsReproducibleAndBatchedEqualsOneByOne() {
        Sampling sampling = new Sampling(1.5f, 40, 0.95f, 1.2f);
        GenerationConfig config = GenerationConfig.sampling(sampling, 16).withSeed(7);
        Random random = new Random(8);
        List<int[]> prompts = List.of(goldenPrompt, TestModels.randomIds(random, 3, 256),
                TestModels.randomIds(random, 70, 256));
        List<Generation> first = run(prompts, config);
        assertEquals(first, run(prompts, config), "the same seed, the same tokens");
        for (int b = 0; b < prompts.size(); b++) {
            assertEquals(generator.generate(prompts.get(b), config.withSeed(7 + b)), first.get(b),
                    "sequence " + b + " samples with seed + " + b);
        }
        assertNotEquals(first.getFirst(), generator.generate(goldenPrompt, config.withSeed(8)),
                "another seed, other tokens");
        assertFalse(Arrays.equals(first.getFirst().tokens(), goldenGreedy), "sampling at temperature 1.5 is not greedy");
    }

    @Test
    void aStopTokenEndsItsSequenceAndIsNotReported() {
        int stop = goldenGreedy[4];
        assertFalse(Arrays.stream(goldenGreedy, 0, 4).anyMatch(t -> t == stop), "first occurrence at index 4");
        int[] other = TestModels.randomIds(new Random(1), 9, 256);
        GenerationConfig config = GenerationConfig.greedy(goldenGreedy.length).withStopTokens(stop, 255);
        List<int[]> seen = new ArrayList<>();
        List<Generation> out = generator.generate(List.of(goldenPrompt, other), config,
                (sequence, token) -> seen.add(new int[]{sequence, token}), () -> false);
        Generation g = out.getFirst();
        assertArrayEquals(Arrays.copyOf(goldenGreedy, 4), g.tokens());
        assertEquals(Generation.FinishReason.STOP, g.finishReason());
        assertEquals(stop, g.stopToken());
        assertEquals(generator.generate(other, config), out.get(1), "the other sequence goes on alone");
        assertTrue(seen.stream().noneMatch(e -> e[0] == 0 && e[1] == stop), "the stop token is not streamed");
    }

    @Test
    void theCallbackStreamsEveryTokenInOrder() {
        List<int[]> prompts = List.of(goldenPrompt, new int[]{1, 2, 3});
        List<List<Integer>> streamed = List.of(new ArrayList<>(), new ArrayList<>());
        List<Integer> order = new ArrayList<>();
        List<Generation> out = generator.generate(prompts, GenerationConfig.greedy(6),
                (sequence, token) -> {
                    streamed.get(sequence).add(token);
                    order.add(sequence);
                }, () -> false);
        for (int b = 0; b < 2; b++) {
            assertArrayEquals(out.get(b).tokens(), streamed.get(b).stream().mapToInt(Integer::intValue).toArray());
        }
        assertEquals(List.of(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1), order, "one token per live sequence per step");
    }

    @Test
    void cancellationEndsTheRunWithTheTokensSoFar() {
        AtomicBoolean cancelled = new AtomicBoolean();
        int[] calls = {0};
        List<Generation> out = generator.generate(List.of(goldenPrompt, new int[]{7}), GenerationConfig.greedy(24),
                (sequence, token) -> {
                    if (++calls[0] == 5) {
                        cancelled.set(true);   // during the third step, after sequence 0's token
                    }
                }, cancelled::get);
        assertArrayEquals(Arrays.copyOf(goldenGreedy, 3), out.get(0).tokens());
        assertEquals(Generation.FinishReason.CANCELLED, out.get(0).finishReason());
        assertEquals(3, out.get(1).tokens().length, "the step in progress completes for every sequence");
        assertEquals(Generation.FinishReason.CANCELLED, out.get(1).finishReason());

        List<Generation> before = generator.generate(List.of(goldenPrompt), GenerationConfig.greedy(24),
                (sequence, token) -> {
                    throw new AssertionError("no token after a cancellation before the start");
                }, () -> true);
        assertEquals(0, before.getFirst().tokens().length);
        assertEquals(Generation.FinishReason.CANCELLED, before.getFirst().finishReason());
    }

    @Test
    void maxNewTokensBoundsEachSequence() {
        assertEquals(new Generation(new int[0], Generation.FinishReason.LENGTH, Generation.NO_STOP_TOKEN),
                generator.generate(goldenPrompt, GenerationConfig.greedy(0)));
        Generation one = generator.generate(goldenPrompt, GenerationConfig.greedy(1));
        assertArrayEquals(new int[]{goldenGreedy[0]}, one.tokens());
        assertEquals(Generation.FinishReason.LENGTH, one.finishReason());
    }

    @Test
    void badRequestsAreRejected() {
        GenerationConfig config = GenerationConfig.greedy(4);
        assertThrows(IllegalArgumentException.class, () -> run(List.of(), config));
        assertThrows(IllegalArgumentException.class, () -> run(List.of(new int[0]), config));
        assertThrows(IllegalArgumentException.class, () -> run(List.of(new int[]{300}), config));
        assertThrows(IllegalArgumentException.class, () -> run(List.of(new int[]{1}), config.withStopTokens(256)));
        assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(-1));
        assertThrows(IllegalArgumentException.class, () -> config.withPrefillChunk(0));
    }
}
