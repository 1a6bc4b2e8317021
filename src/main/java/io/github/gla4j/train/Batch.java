/*
 * Batch.java — one micro-batch of token sequences, row-major [batch, seqLen]: the model's input ids and its labels
 * (unshifted, as GlaModel.forward takes them: the logits at t are scored against labels[t + 1]; −100 = no target).
 */
package io.github.gla4j.train;

public record Batch(int batch, int seqLen, int[] inputIds, int[] labels) {
    public Batch {
        if (batch < 1 || seqLen < 2) {
            throw new IllegalArgumentException("a batch needs ≥ 1 row of ≥ 2 tokens, got " + batch + " × " + seqLen);
        }
        if (inputIds.length != batch * seqLen || labels.length != inputIds.length) {
            throw new IllegalArgumentException("batch " + batch + " × " + seqLen + ": " + inputIds.length
                    + " input ids and " + labels.length + " labels");
        }
    }

    /** A language-modelling batch: every next token is a target. */
    public static Batch ofTokens(int batch, int seqLen, int[] ids) {
        return new Batch(batch, seqLen, ids, ids);
    }
}
