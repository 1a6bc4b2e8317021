/*
 * TokenScoresTest — per-position losses from logits against the model ops' fused cross-entropy (same targets, same
 * mean), arg-max hits, and positions without a target (the last of a row, −100) left out.
 */
package io.github.gla4j.train;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.model.ops.CrossEntropy;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenScoresTest {

    @Test
    void lossesMatchTheFusedCrossEntropy() { // a shared arena: the rows are scored in parallel
        int batch = 3, seqLen = 7, vocab = 13;
        Random random = new Random(2);
        int[] labels = new int[batch * seqLen];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 5 == 3 ? CrossEntropy.IGNORE_INDEX : random.nextInt(vocab);
        }
        float[] values = new float[batch * seqLen * vocab];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (3 * random.nextGaussian());
        }
        try (Arena arena = Arena.ofShared()) {
            HostTensor logits = HostTensor.of(arena, DType.F32, io.github.gla4j.memory.Shape.of(batch * seqLen, vocab),
                    values);
            int[] ids = new int[labels.length];
            Batch b = new Batch(batch, seqLen, ids, labels);
            TokenScores s = TokenScores.of(logits, b);
            int[] targets = new int[labels.length];
            double sum = 0;
            int count = 0;
            for (int r = 0; r < targets.length; r++) {
                targets[r] = r % seqLen == seqLen - 1 ? CrossEntropy.IGNORE_INDEX : labels[r + 1];
                assertEquals(targets[r] != CrossEntropy.IGNORE_INDEX, s.scored[r], "row " + r);
                if (s.scored[r]) {
                    sum += s.nll[r];
                    count++;
                    int argmax = 0;
                    for (int j = 1; j < vocab; j++) {
                        argmax = values[r * vocab + j] > values[r * vocab + argmax] ? j : argmax;
                    }
                    assertEquals(argmax == targets[r], s.correct[r]);
                } else {
                    assertFalse(s.correct[r]);
                }
            }
            assertTrue(count > 0);
            double fused = CrossEntropy.forward(logits, targets);
            assertEquals(fused, sum, 1e-5 * Math.abs(fused));
        }
    }
}
