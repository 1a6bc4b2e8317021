/*
 * CrossEntropy.java — softmax cross-entropy of logit rows against target ids, fused with its gradient, row by row:
 *   loss_r  = logsumexp(l_r) − l_r[t_r]                     (rows whose target is IGNORE_INDEX count nothing)
 *   dl_r    = (softmax(l_r) − onehot(t_r)) · gradScale       (zero for ignored rows)
 * Only one row's exponentials exist at a time beyond the logits; dlogits may be the logits tensor itself (the
 * gradient then overwrites them, as a training step wants). Sums in double; rows in parallel, per-row losses added
 * in order (deterministic). Tested by CrossEntropyTest (plain reference, finite differences in double).
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class CrossEntropy {

    /** The target that marks a row without a loss (the reference's ignore_index). */
    public static final int IGNORE_INDEX = -100;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private CrossEntropy() {
    }

    /** Σ_r loss_r over rows of logits [targets.length, V]; the number of counted rows is validTargets(targets). */
    public static double forward(HostTensor logits, int[] targets) {
        return run("CrossEntropy.forward", logits, targets, 0f, null);
    }

    /**
     * Σ_r loss_r, and dlogits (written, same shape as logits, may be logits itself) = the gradient of
     * gradScale · Σ_r loss_r. For the mean loss pass gradScale = 1 / validTargets(targets).
     */
    public static double forwardBackward(HostTensor logits, int[] targets, float gradScale, HostTensor dlogits) {
        String op = "CrossEntropy.forwardBackward";
        if (dlogits == null) {
            throw new IllegalArgumentException(op + ": dlogits must not be null");
        }
        return run(op, logits, targets, gradScale, dlogits);
    }

    /** The number of targets that are not IGNORE_INDEX. */
    public static int validTargets(int[] targets) {
        int n = 0;
        for (int t : targets) {
            n += t == IGNORE_INDEX ? 0 : 1;
        }
        return n;
    }

    /** One target per row of logits, each IGNORE_INDEX or in [0, vocabSize). */
    static void checkTargets(String op, int[] targets, long rows, long vocabSize) {
        if (targets == null) {
            throw new IllegalArgumentException(op + ": targets must not be null");
        }
        if (rows != targets.length) {
            throw new IllegalArgumentException(op + ": " + targets.length + " targets for " + rows + " rows of logits");
        }
        for (int r = 0; r < rows; r++) {
            if (targets[r] != IGNORE_INDEX && (targets[r] < 0 || targets[r] >= vocabSize)) {
                throw new IllegalArgumentException(op + ": target " + targets[r] + " at row " + r
                        + " is outside [0, " + vocabSize + ") and is not the ignore index " + IGNORE_INDEX);
            }
        }
    }

    private static double run(String op, HostTensor logits, int[] targets, float gradScale, HostTensor dlogits) {
        if (targets == null) {
            throw new IllegalArgumentException(op + ": targets must not be null");
        }
        if (logits == null || logits.shape().rank() == 0) {
            throw new IllegalArgumentException(op + ": logits must be [rows, V], got " + logits);
        }
        long vocabSize = logits.shape().dim(logits.shape().rank() - 1);
        int rows = Rows.count(op, "logits", logits, vocabSize);
        checkTargets(op, targets, rows, vocabSize);
        if (dlogits != null) {
            Rows.require(op, "dlogits", dlogits, rows, vocabSize);
        }
        int v = (int) vocabSize;
        double[] losses = new double[rows];
        MemorySegment ls = logits.segment(), ds = dlogits == null ? null : dlogits.segment();
        int blockRows = Rows.blockRows(rows, v);
        Rows.forEachBlock(rows, v, block -> {
            float[] row = new float[v];
            for (int r = block * blockRows; r < Math.min(rows, (block + 1) * blockRows); r++) {
                long offset = (long) r * v * Float.BYTES;
                MemorySegment.copy(ls, F32, offset, row, 0, v);
                int target = targets[r];
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, row[j]);
                }
                double sum = 0;
                float picked = target == IGNORE_INDEX ? 0f : row[target];
                for (int j = 0; j < v; j++) {
                    float e = (float) Math.exp(row[j] - max);
                    row[j] = e;
                    sum += e;
                }
                losses[r] = target == IGNORE_INDEX ? 0 : max + Math.log(sum) - picked;
                if (ds != null) {
                    if (target == IGNORE_INDEX) {
                        java.util.Arrays.fill(row, 0f);
                    } else {
                        float scale = (float) (gradScale / sum);
                        for (int j = 0; j < v; j++) {
                            row[j] *= scale;
                        }
                        row[target] -= gradScale;
                    }
                    MemorySegment.copy(row, 0, ds, F32, offset, v);
                }
            }
        });
        double total = 0;
        for (double l : losses) {
            total += l;
        }
        return total;
    }
}
