/*
 * TokenScores.java — per-position scores of a forward pass, computed from its logits in double: the negative
 * log-likelihood of each target (logsumexp(l) − l[target]) and whether the arg-max prediction is the target. Used
 * for validation loss and MQAR accuracy while training, and for loss by position in gla eval. Positions without a
 * target (the last of each row, and labels of −100) are skipped. Tested by TokenScoresTest against CrossEntropy.
 */
package io.github.gla4j.train;

import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.ops.CrossEntropy;

import java.lang.foreign.Arena;
import java.util.stream.IntStream;

public final class TokenScores {

    /** For each position r = b·T + t of the batch: whether it has a target, its nll and arg-max hit (else 0, false). */
    public final boolean[] scored;
    public final double[] nll;
    public final boolean[] correct;

    private TokenScores(int rows) {
        scored = new boolean[rows];
        nll = new double[rows];
        correct = new boolean[rows];
    }

    /**
     * Scores logits in host or device memory; device logits are copied to the host first (into shared memory: the
     * rows are scored in parallel).
     */
    public static TokenScores of(Tensor logits, Batch batch) {
        if (logits instanceof DeviceTensor d) {
            try (Arena arena = Arena.ofShared()) {
                HostTensor host = HostTensor.allocate(arena, d.dtype(), d.shape());
                d.copyTo(host);
                return of(host, batch);
            }
        }
        return of((HostTensor) logits, batch);
    }

    /** Scores logits [B, T, V] against batch's labels (the target of position t is labels[t + 1]). */
    public static TokenScores of(HostTensor logits, Batch batch) {
        int t = batch.seqLen(), rows = batch.batch() * t;
        long vocab = logits.elementCount() / rows;
        if (vocab * rows != logits.elementCount()) {
            throw new IllegalArgumentException("TokenScores: logits " + logits.shape() + " do not match the batch "
                    + batch.batch() + " × " + t);
        }
        int[] labels = batch.labels();
        TokenScores s = new TokenScores(rows);
        IntStream.range(0, rows).parallel().forEach(r -> {
            int target = r % t == t - 1 ? CrossEntropy.IGNORE_INDEX : labels[r + 1];
            if (target == CrossEntropy.IGNORE_INDEX) {
                return;
            }
            if (target < 0 || target >= vocab) {
                throw new IllegalArgumentException("TokenScores: target " + target + " outside the vocabulary "
                        + vocab);
            }
            long base = r * vocab;
            double max = Double.NEGATIVE_INFINITY;
            long argmax = 0;
            for (long j = 0; j < vocab; j++) {
                double x = logits.get(base + j);
                if (x > max) {
                    max = x;
                    argmax = j;
                }
            }
            double sum = 0;
            for (long j = 0; j < vocab; j++) {
                sum += Math.exp(logits.get(base + j) - max);
            }
            s.scored[r] = true;
            s.nll[r] = max + Math.log(sum) - logits.get(base + target);
            s.correct[r] = argmax == target;
        });
        return s;
    }
}
