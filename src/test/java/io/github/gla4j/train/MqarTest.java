/*
 * MqarTest — the MQAR batches: keys in the lower half of the vocabulary, values in the upper, every key queried
 * exactly once after the pairs, its value the only target (at the position after the query), the rest 0; batch i a
 * function of (seed, stream, i) alone; impossible shapes rejected.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.ops.CrossEntropy;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqarTest {

    @Test
    void sequencesAreKeyValuePairsThenEveryKeyQueriedOnce() {
        int vocab = 40, pairs = 6, seqLen = 37;
        Mqar mqar = new Mqar(new Mqar.Settings(vocab, pairs, seqLen, 5), 42, Mqar.TRAIN_STREAM);
        for (long index = 0; index < 20; index++) {
            Batch b = mqar.batch(index);
            for (int row = 0; row < 5; row++) {
                int base = row * seqLen;
                Map<Integer, Integer> valueOf = new HashMap<>();
                for (int p = 0; p < pairs; p++) {
                    int key = b.inputIds()[base + 2 * p], value = b.inputIds()[base + 2 * p + 1];
                    assertTrue(key >= 1 && key < vocab / 2, "key " + key);
                    assertTrue(value >= vocab / 2 && value < vocab, "value " + value);
                    assertEquals(null, valueOf.put(key, value), "keys are distinct");
                    assertEquals(CrossEntropy.IGNORE_INDEX, b.labels()[base + 2 * p]);
                    assertEquals(CrossEntropy.IGNORE_INDEX, b.labels()[base + 2 * p + 1]);
                }
                assertEquals(pairs, new HashSet<>(valueOf.values()).size(), "values are distinct");
                Set<Integer> queried = new HashSet<>();
                int targets = 0;
                for (int t = 2 * pairs; t < seqLen; t++) {
                    int id = b.inputIds()[base + t];
                    if (id != 0) {
                        assertEquals(0, (t - 2 * pairs) % 2, "queries sit at even offsets");
                        assertTrue(queried.add(id), "each key is queried once");
                        assertEquals(valueOf.get(id), b.labels()[base + t + 1], "the target is the key's value");
                        assertEquals(0, b.inputIds()[base + t + 1], "the answer is not in the input");
                    }
                    if (b.labels()[base + t] != CrossEntropy.IGNORE_INDEX) {
                        targets++;
                    }
                }
                assertEquals(valueOf.keySet(), queried);
                assertEquals(pairs, targets);
            }
        }
    }

    @Test
    void batchesDependOnlyOnSeedStreamAndIndex() {
        Mqar.Settings s = new Mqar.Settings(32, 4, 16, 3);
        Mqar a = new Mqar(s, 7, Mqar.TRAIN_STREAM), again = new Mqar(s, 7, Mqar.TRAIN_STREAM);
        assertArrayEquals(a.batch(5).inputIds(), again.batch(5).inputIds());
        assertArrayEquals(a.batch(5).labels(), again.batch(5).labels());
        a.batch(9);
        assertArrayEquals(again.batch(5).inputIds(), a.batch(5).inputIds(), "no hidden state between calls");
        assertFalse(java.util.Arrays.equals(a.batch(5).inputIds(), a.batch(6).inputIds()));
        assertFalse(java.util.Arrays.equals(a.batch(5).inputIds(),
                new Mqar(s, 7, Mqar.VALIDATION_STREAM).batch(5).inputIds()));
        assertFalse(java.util.Arrays.equals(a.batch(5).inputIds(), new Mqar(s, 8, Mqar.TRAIN_STREAM).batch(5).inputIds()));
    }

    @Test
    void rejectsShapesThatCannotHoldTheTask() {
        assertThrows(IllegalArgumentException.class, () -> new Mqar.Settings(16, 8, 64, 1));  // 7 keys < 8 pairs
        assertThrows(IllegalArgumentException.class, () -> new Mqar.Settings(64, 8, 31, 1));  // < 4 · pairs
        assertThrows(IllegalArgumentException.class, () -> new Mqar.Settings(64, 0, 32, 1));
        new Mqar.Settings(18, 8, 32, 1);
    }
}
