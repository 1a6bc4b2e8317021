/*
 * PositionEvaluation.java — a model's loss on a token stream, overall and by position in the sequence, for
 * perplexity and length-generalization studies (gla eval). The tokens are cut into non-overlapping windows of
 * seqLen (a shorter tail is left out); in each window the token at position t predicts the one at t + 1, and its
 * loss is counted in the bucket of t (buckets of bucketSize positions). Loss is in nats per token, perplexity
 * exp(loss). Tested by PositionEvaluationTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.Activations;
import io.github.gla4j.model.GlaModel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

public final class PositionEvaluation {

    /** Predictions from positions [from, to) of the windows: their count and mean loss. */
    public record Bucket(int from, int to, long targets, double loss) {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    /** The whole evaluation: windows of seqLen, targets scored, mean loss, buckets by position. */
    public record Result(int windows, int seqLen, long targets, double loss, double accuracy, List<Bucket> buckets) {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    private PositionEvaluation() {
    }

    /**
     * Evaluates model on tokens in windows of seqLen, batch windows per forward pass.
     *
     * @param progress told the number of windows done after each batch (may be null)
     */
    public static Result run(GlaModel model, int[] tokens, int seqLen, int batch, int bucketSize,
                             LongConsumer progress) {
        if (seqLen < 2 || batch < 1 || bucketSize < 1) {
            throw new IllegalArgumentException("need seq_len ≥ 2, batch ≥ 1, bucket size ≥ 1; got " + seqLen + ", "
                    + batch + ", " + bucketSize);
        }
        int windows = tokens.length / seqLen;
        if (windows == 0) {
            throw new IllegalArgumentException("the text has " + tokens.length + " tokens, fewer than one window of "
                    + seqLen + "; give more text or a shorter --seq-len");
        }
        int vocab = model.config().vocabSize();
        for (int i = 0; i < windows * seqLen; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at " + i + " is outside the model's "
                        + "vocabulary of " + vocab + " (was the model trained with another tokenizer?)");
            }
        }
        int bucketCount = (seqLen - 1 + bucketSize - 1) / bucketSize;
        double[] sums = new double[bucketCount];
        long[] counts = new long[bucketCount];
        long correct = 0;
        Activations acts = null;
        try {
            for (int w = 0; w < windows; w += batch) {
                int rows = Math.min(batch, windows - w);
                if (acts == null || acts.batch() != rows) {
                    if (acts != null) {
                        acts.close();
                    }
                    acts = model.newActivations(rows, seqLen);
                }
                int[] ids = new int[rows * seqLen];
                System.arraycopy(tokens, w * seqLen, ids, 0, ids.length);
                Batch b = Batch.ofTokens(rows, seqLen, ids);
                model.forward(acts, ids, (int[]) null); // no labels: scored from the logits here
                TokenScores scores = TokenScores.of(acts.logits(), b);
                for (int r = 0; r < ids.length; r++) {
                    if (scores.scored[r]) {
                        int bucket = (r % seqLen) / bucketSize;
                        sums[bucket] += scores.nll[r];
                        counts[bucket]++;
                        correct += scores.correct[r] ? 1 : 0;
                    }
                }
                if (progress != null) {
                    progress.accept(w + rows);
                }
            }
        } finally {
            if (acts != null) {
                acts.close();
            }
        }
        List<Bucket> buckets = new ArrayList<>();
        double total = 0;
        long targets = 0;
        for (int i = 0; i < bucketCount; i++) {
            buckets.add(new Bucket(i * bucketSize, Math.min(seqLen - 1, (i + 1) * bucketSize), counts[i],
                    sums[i] / counts[i]));
            total += sums[i];
            targets += counts[i];
        }
        return new Result(windows, seqLen, targets, total / targets, (double) correct / targets, buckets);
    }
}
