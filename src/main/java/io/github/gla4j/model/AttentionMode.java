/*
 * AttentionMode.java — which GLA kernel form the layers run. Both compute the same function (GlaModelTest checks
 * that they agree); the reference also switches to the recurrent form for sequences of at most 64 tokens.
 */
package io.github.gla4j.model;

public enum AttentionMode {
    /** recurrent for T ≤ 64, chunk above (the reference's choice). */
    AUTO,
    /** chunkwise kernels (chunks of 64) at every length. */
    CHUNK,
    /** token-by-token recurrent kernels at every length. */
    RECURRENT;

    /** The longest sequence AUTO runs in the recurrent form. */
    public static final int AUTO_RECURRENT_MAX_LEN = 64;

    boolean recurrentFor(int seqLen) {
        return this == RECURRENT || (this == AUTO && seqLen <= AUTO_RECURRENT_MAX_LEN);
    }
}
