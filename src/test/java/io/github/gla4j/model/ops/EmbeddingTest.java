/*
 * EmbeddingTest: Embedding lookup and scatter-add against Reference: repeated ids (their gradients add up), the
 * padding row (no gradient from the lookup), wide rows over several column blocks, accumulation into existing
 * gradients; out-of-vocabulary ids are refused before any memory is touched.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.util.Random;

import static io.github.gla4j.model.ops.OpTesting.FP32_TOLERANCE;
import static io.github.gla4j.model.ops.OpTesting.add;
import static io.github.gla4j.model.ops.OpTesting.assertClose;
import static io.github.gla4j.model.ops.OpTesting.poisoned;
import static io.github.gla4j.model.ops.OpTesting.random;
import static io.github.gla4j.model.ops.OpTesting.tensor;
import static io.github.gla4j.model.ops.OpTesting.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EmbeddingTest {

    @ParameterizedTest(name = "vocab={0} D={1} tokens={2} padding={3}")
    @CsvSource({"1,1,1,-1", "7,5,30,-1", "7,5,30,3", "300,130,2000,0", "50,64,17,49"})
    void matchesReference(int vocab, int d, int tokens, int padding) {
        Random random = new Random(vocab * 3L + d);
        int[] ids = new int[tokens];
        for (int n = 0; n < tokens; n++) {
            ids[n] = random.nextInt(vocab);
        }
        if (padding >= 0) {
            ids[tokens / 2] = padding;
        }
        double[] table = random(random, vocab * d, 1), dout = random(random, tokens * d, 1);
        double[] dtable0 = random(random, vocab * d, 1);
        try (Arena arena = Arena.ofShared()) {
            HostTensor out = poisoned(arena, tokens, d);
            Embedding.forward(ids, tensor(arena, table, vocab, d), out);
            assertArrayEquals(Reference.embedding(ids, table, d), values(out), 0.0);
            HostTensor dtable = tensor(arena, dtable0, vocab, d);
            Embedding.backward(ids, tensor(arena, dout, tokens, d), padding, dtable);
            double[] expected = add(dtable0, Reference.embeddingBackward(ids, dout, vocab, d, padding));
            assertClose("dtable", values(dtable), expected, FP32_TOLERANCE);
            if (padding >= 0) {
                for (int c = 0; c < d; c++) {
                    org.junit.jupiter.api.Assertions.assertEquals((float) dtable0[padding * d + c],
                            dtable.get((long) padding * d + c), "the padding row is left alone");
                }
            }
        }
    }

    @Test
    void refusesIdsOutsideTheVocabulary() {
        try (Arena arena = Arena.ofShared()) {
            HostTensor table = poisoned(arena, 5, 3), out = poisoned(arena, 2, 3);
            assertThrows(IllegalArgumentException.class, () -> Embedding.forward(new int[]{1, 5}, table, out));
            assertThrows(IllegalArgumentException.class, () -> Embedding.forward(new int[]{-1, 0}, table, out));
            assertThrows(IllegalArgumentException.class, () -> Embedding.backward(new int[]{0, 9}, out, -1, table));
            assertThrows(IllegalArgumentException.class, () -> Embedding.backward(new int[]{0, 1}, out, 5, table));
            assertThrows(IllegalArgumentException.class, () -> Embedding.forward(new int[]{0}, table, out));
        }
    }
}
